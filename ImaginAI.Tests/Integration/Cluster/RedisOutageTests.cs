using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace ImaginAI.Tests.Integration.Cluster;

/// <summary>
/// A node whose Redis (SignalR backplane and cluster messages) goes away and comes back: a real redis-server of the
/// test's own, killed and started again on the same port, and the real .NET SignalR client retrying as the page does.
/// </summary>
public sealed class RedisOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Redis_KilledThenStartedAgain_WatcherToldNotLiveUploadsProcessedAndEventsResumeAfterRefetch()
    {
        // Runs where Redis is installed, as IMAGINAI_TEST_REDIS says (.ci/run installs it and sets it; under CI a
        // missing variable fails rather than passing unseen). This test starts a redis-server of its own.
        if (Environment.GetEnvironmentVariable("IMAGINAI_TEST_REDIS") is null)
        {
            Assert.NotEqual("true", Environment.GetEnvironmentVariable("CI"));
            return;
        }
        using var redis = new RedisServer();
        await redis.StartAsync();
        await using var app = TrackerApp.Create(kestrel: true, settings: new()
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Cluster:ChannelPrefix"] = "test-" + Guid.NewGuid().ToString("N"),
        });
        var projectId = (await app.CreateProjectAsync("Outage site")).GetProperty("id").GetInt64();
        var photos = PhotoSet(3);

        var seen = new ConcurrentQueue<long>();
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var rejoined = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(app.BaseAddress, "hubs/timeline"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(app.AdminToken))
            .Build();
        foreach (var name in new[] { "photoAdded", "photoUpdated" })
            connection.On<JsonElement>(name, photo => seen.Enqueue(photo.GetProperty("id").GetInt64()));
        connection.On("liveStopped", () => stopped.TrySetResult());
        // What the page does (wwwroot/js/lib/live.js): start again until it joins, then re-read the timeline for what
        // it missed while not live.
        // One rejoining loop at a time: a loop stopping the connection would close it again under another loop.
        var rejoining = 0;
        connection.Closed += async _ =>
        {
            closed.TrySetResult();
            if (Interlocked.Exchange(ref rejoining, 1) == 1) return;
            try
            {
                var deadline = DateTime.UtcNow.AddMinutes(2);
                while (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(500);
                    try
                    {
                        if (connection.State == HubConnectionState.Disconnected) await connection.StartAsync();
                        await connection.InvokeAsync("JoinProject", projectId);
                        rejoined.TrySetResult(await app.CreateClient().GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}/timeline"));
                        return;
                    }
                    catch (Exception e) when (e is not ObjectDisposedException)
                    {
                        output.WriteLine($"rejoining failed: {e.GetType().Name}: {e.Message}");
                    }
                }
            }
            finally
            {
                Volatile.Write(ref rejoining, 0);
            }
        };
        await connection.StartAsync();
        await connection.InvokeAsync("JoinProject", projectId);

        var before = await app.UploadOneAsync(projectId, "before.jpg", photos[0]);
        await app.WaitUntilDecidedAsync(before);
        await WaitUntilAsync(() => seen.Contains(before), "the event of the photo uploaded while Redis ran");

        redis.Stop();
        await stopped.Task.WaitAsync(TimeSpan.FromSeconds(90));
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(90));
        var clock = Stopwatch.StartNew();
        var during = await app.UploadOneAsync(projectId, "during.jpg", photos[1]);
        var accepted = clock.Elapsed;
        var decided = await app.WaitUntilDecidedAsync(during, TimeSpan.FromSeconds(60));
        output.WriteLine($"while Redis was down: upload answered in {accepted.TotalMilliseconds:F0} ms, decided after {clock.Elapsed.TotalSeconds:F1} s");

        await redis.StartAsync();
        var timeline = await rejoined.Task.WaitAsync(TimeSpan.FromSeconds(90));
        var after = await app.UploadOneAsync(projectId, "after.jpg", photos[2]);
        await WaitUntilAsync(() => seen.Contains(after), "the event of the photo uploaded after Redis came back");

        Assert.NotEqual("pending", decided.GetProperty("status").GetString());
        Assert.DoesNotContain(during, seen);
        Assert.Contains(during.ToString(System.Globalization.CultureInfo.InvariantCulture), timeline.ToString());
    }

    private static List<byte[]> PhotoSet(int count) =>
        ImaginAI.Tracker.Cli.PhotoSet.Make(RealPhotos.Directory, count, longSide: 480, seed: 3).Select(p => p.Bytes).ToList();

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(condition(), $"{what} did not arrive within 3 minutes");
    }
}
