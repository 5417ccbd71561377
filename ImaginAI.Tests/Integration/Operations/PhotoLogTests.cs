using System.Collections.Concurrent;
using ImaginAI.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImaginAI.Tests.Integration.Operations;

public sealed class PhotoLogTests
{
    [Fact]
    public async Task PhotoStateChanges_UploadEmbedDecideAndManagerDecision_EachLogOneStructuredLineWithAnEventId()
    {
        await using var app = new LoggedTrackerApp();
        var admin = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Logged", admin)).GetProperty("id").GetInt64();
        var milestone = await app.AddMilestoneAsync(projectId, "Planted", admin);
        var photoId = await app.UploadOneAsync(projectId, "garden.jpg", RealPhotos.Read("Garden.jpg"), client: admin);
        await app.WaitUntilDecidedAsync(photoId, client: admin);
        (await admin.PutAsync($"/api/photos/{photoId}/milestone",
            System.Net.Http.Json.JsonContent.Create(new { milestoneId = milestone }))).EnsureSuccessStatusCode();

        var lines = app.Lines.Where(l => l.State.TryGetValue("PhotoId", out var id) && Equals(id, photoId)).ToList();

        Assert.Equal(["PhotoAdded", "PhotoEmbedded", "PhotoNeedsReview", "PhotoDecidedByManager"], lines.Select(l => l.EventName));
        Assert.Equal([1100, 1101, 1105, 1106], lines.Select(l => l.EventId));
        Assert.All(lines, line =>
        {
            Assert.Equal(projectId, line.State["ProjectId"]);
            Assert.IsType<double>(line.State["DurationMs"]);
            Assert.True((double)line.State["DurationMs"]! >= 0);
        });
        Assert.Equal("unmatched", lines[3].State["FromStatus"]);
        Assert.Equal("matched", lines[3].State["ToStatus"]);
    }

    public sealed record LogLine(int EventId, string? EventName, IReadOnlyDictionary<string, object?> State);

    /// <summary>The real app, with a logger provider that keeps the photo lines' structured state.</summary>
    private sealed class LoggedTrackerApp() : TrackerApp(kestrel: false, dataDirectory: null,
        settings: new() { ["Logging:LogLevel:ImaginAI.Tracker.Telemetry"] = "Information" })
    {
        private readonly ConcurrentQueue<LogLine> lines = new();

        public IReadOnlyList<LogLine> Lines => [.. lines];

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(logging => logging.AddProvider(new Provider(lines)));
        }

        private sealed class Provider(ConcurrentQueue<LogLine> lines) : ILoggerProvider
        {
            public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);
            public void Dispose() { }
        }

        private sealed class Logger(string category, ConcurrentQueue<LogLine> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => category.StartsWith("ImaginAI.Tracker.Telemetry", StringComparison.Ordinal);

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!IsEnabled(logLevel) || state is not IReadOnlyList<KeyValuePair<string, object?>> values) return;
                lines.Enqueue(new LogLine(eventId.Id, eventId.Name, values.ToDictionary(v => v.Key, v => v.Value)));
            }
        }
    }
}
