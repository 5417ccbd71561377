using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace ImaginAI.Tests.Support;

/// <summary>One entry the app logged, with its structured values and the text the console would show.</summary>
public sealed record LoggedEntry(string Category, LogLevel Level, EventId EventId, IReadOnlyDictionary<string, object?> Values, string Text);

/// <summary>
/// The real app with one more logger provider, which keeps every entry <paramref name="keep"/> accepts (by category and
/// level), for tests of what the app tells its operators.
/// </summary>
public sealed class LoggedTrackerApp(Func<string, LogLevel, bool> keep, Dictionary<string, string?>? settings = null)
    : TrackerApp(kestrel: false, dataDirectory: null, settings)
{
    private readonly ConcurrentQueue<LoggedEntry> entries = new();

    public IReadOnlyList<LoggedEntry> Entries => [.. entries];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(new Provider(keep, entries)));
    }

    private sealed class Provider(Func<string, LogLevel, bool> keep, ConcurrentQueue<LoggedEntry> entries) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, keep, entries);
        public void Dispose() { }
    }

    private sealed class Logger(string category, Func<string, LogLevel, bool> keep, ConcurrentQueue<LoggedEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => keep(category, logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var values = state is IReadOnlyList<KeyValuePair<string, object?>> pairs
                ? pairs.ToDictionary(p => p.Key, p => p.Value)
                : new Dictionary<string, object?>();
            entries.Enqueue(new LoggedEntry(category, logLevel, eventId, values, $"{formatter(state, exception)} {exception}".TrimEnd()));
        }
    }
}
