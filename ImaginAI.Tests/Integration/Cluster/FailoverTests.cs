using System.Diagnostics;
using System.Net;
using ImaginAI.Tracker.Cli;
using ImaginAI.Tests.Support;
using Xunit.Abstractions;

namespace ImaginAI.Tests.Integration.Cluster;

/// <summary>A node killed with SIGKILL in the middle of a batch: the other takes its photos over once their lease ends.</summary>
[Collection(TwoNodes.Collection)]
[Trait("Database", "own")] // PostgreSQL whatever the suite's provider: run once, in the first pass of .ci/run
public sealed class FailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int PhotoCount = 40;
    private const int LeaseSeconds = 5;

    // Small batches and a short lease, so the kill finds photos claimed and the take-over comes within the test.
    private readonly TwoNodes nodes = new(new()
    {
        ["Database:LeaseSeconds"] = LeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Embedding:BatchSize"] = "4",
    });

    public Task InitializeAsync() => nodes.InitializeAsync();

    public Task DisposeAsync() => nodes.DisposeAsync();

    [Fact]
    public async Task Sigkill_NodeAMidBatch_NodeBFinishesItsPhotosAfterTheLeaseEachDecidedOnce()
    {
        if (!nodes.Available) return;
        var (a, b) = (nodes.A, nodes.B);
        var projectId = await a.CreateProjectAsync("Failover site");
        var photos = PhotoSet.Make(RealPhotos.Directory, PhotoCount, longSide: 480, seed: 33);
        foreach (var batch in photos.Chunk(10))
        {
            using var response = await a.UploadAsync(projectId, batch);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
        // Node A is paused while its claims are read, so the kill lands while it holds what was read: a batch seen
        // claimed by a running node may be committed before the kill comes.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        IReadOnlyList<long> held = [];
        while (held.Count == 0 && DateTime.UtcNow < deadline)
        {
            a.Server.Pause();
            held = await TrackerDatabase.QueryAsync<long>(nodes.Database,
                $"SELECT id FROM photos WHERE project_id = {projectId} AND claimed_by = 'node-a' AND status IN ('pending', 'embedded')");
            if (held.Count > 0) break;
            a.Server.Resume();
            await Task.Delay(20);
        }
        a.Server.Kill();
        var killed = Stopwatch.StartNew();
        output.WriteLine($"node A killed holding {held.Count} photos: {string.Join(", ", held)}");
        var heldList = string.Join(", ", held);
        TimeSpan? takenOver = null;
        deadline = DateTime.UtcNow.AddMinutes(4);
        while (DateTime.UtcNow < deadline)
        {
            // Completion is read before the claims: node B may take the held photos over and finish them all between
            // two polls, and the claims read after that still show the take-over.
            var allDecided = await nodes.CountAsync($"project_id = {projectId} AND status IN ('matched', 'unmatched', 'failed')") == PhotoCount;
            if (takenOver is null && held.Count > 0
                && await nodes.CountAsync($"id IN ({heldList}) AND claimed_by = 'node-a'") == 0) takenOver = killed.Elapsed;
            if (allDecided) break;
            await Task.Delay(100);
        }
        var allDone = killed.Elapsed;
        output.WriteLine($"lease {LeaseSeconds} s: node A's photos taken over {takenOver?.TotalSeconds:F1} s after the kill; all {PhotoCount} decided after {allDone.TotalSeconds:F1} s");

        Assert.NotEmpty(held);
        Assert.NotNull(takenOver);
        Assert.True(b.Server.IsRunning);
        Assert.Equal(PhotoCount, await nodes.CountAsync($"project_id = {projectId} AND status IN ('matched', 'unmatched') AND decision_count = 1"));
        Assert.Equal(held.Count, await nodes.CountAsync($"id IN ({heldList}) AND status IN ('matched', 'unmatched')"));
    }
}
