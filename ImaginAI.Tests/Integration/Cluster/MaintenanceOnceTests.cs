using System.Net;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Cli;
using ImaginAI.Tracker.Data;
using Xunit.Abstractions;

namespace ImaginAI.Tests.Integration.Cluster;

/// <summary>
/// Scheduled maintenance on two nodes sharing PostgreSQL: the purge of photos deleted more than 30 days ago is one
/// trigger in Quartz's clustered store for the whole cluster, and a firing of it runs on one node, whichever takes it.
/// </summary>
[Collection(TwoNodes.Collection)]
[Trait("Database", "own")] // PostgreSQL whatever the suite's provider: run once, in the first pass of .ci/run
public sealed class MaintenanceOnceTests(ITestOutputHelper output) : IAsyncLifetime
{
    // The purge every 2 s instead of every hour, so the test sees many firings, each one a chance to run twice.
    private readonly TwoNodes nodes = new(new() { ["Storage:PurgeIntervalSeconds"] = "2" });

    public Task InitializeAsync() => nodes.InitializeAsync();

    public Task DisposeAsync() => nodes.DisposeAsync();

    [Fact]
    public async Task PhotoPurge_TwoNodesSharingTheSchedule_EachFiringRunsOnExactlyOneNodeAndPurgesEachPhotoOnce()
    {
        if (!nodes.Available) return;
        var (a, b) = (nodes.A, nodes.B);
        // Both nodes are in the one cluster scheduler, which holds one purge trigger for the two of them. (A node that
        // missed its check-ins on a loaded machine is dropped until its next one: wait for both, do not catch a moment.)
        var deadline = DateTime.UtcNow.AddMinutes(2);
        long schedulers;
        while ((schedulers = await Scalar("SELECT COUNT(*) FROM qrtz_scheduler_state WHERE sched_name = 'cluster'")) != 2 && DateTime.UtcNow < deadline)
            await Task.Delay(250);
        Assert.Equal(2, schedulers);
        Assert.Equal(1, await Scalar("SELECT COUNT(*) FROM qrtz_triggers WHERE sched_name = 'cluster' AND job_name = 'photo-purge'"));

        var projectId = await a.CreateProjectAsync("Purge site");
        using (var upload = await a.UploadAsync(projectId, PhotoSet.Make(RealPhotos.Directory, 3, longSide: 480, seed: 51)))
            Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var ids = await TrackerDatabase.QueryAsync<long>(nodes.Database, $"SELECT id FROM photos WHERE project_id = {projectId}");
        Assert.Equal(3, ids.Count);
        // Deleted on node B, 31 days ago as far as the purge can tell: past the 30 days a manager has to restore them.
        foreach (var id in ids)
            (await b.Http.DeleteAsync(b.Url($"/api/photos/{id}"))).EnsureSuccessStatusCode();
        var since = TrackerDb.Utc(DateTimeOffset.UtcNow);
        await TrackerDatabase.ExecuteAsync(nodes.Database, $"UPDATE photos SET deleted_at = @at WHERE project_id = {projectId}",
            new { at = TrackerDb.Utc(DateTimeOffset.UtcNow.AddDays(-31)) });

        // Wait until the photos are purged and several firings since have run to their end.
        deadline = DateTime.UtcNow.AddMinutes(4);
        while (DateTime.UtcNow < deadline
               && !(await nodes.CountAsync($"project_id = {projectId}") == 0
                    && await Scalar("SELECT COUNT(*) FROM maintenance_runs WHERE job = 'photo-purge' AND started_at >= @since", new { since }) >= 6))
            await Task.Delay(250);

        var runs = await TrackerDatabase.QueryAsync<(string NodeId, string ScheduledAt, string? Result, string? Error)>(nodes.Database,
            "SELECT node_id, scheduled_at, result, error FROM maintenance_runs WHERE job = 'photo-purge' ORDER BY id");
        foreach (var run in runs) output.WriteLine(run.ToString());
        Assert.Equal(0, await nodes.CountAsync($"project_id = {projectId}"));
        Assert.True(runs.Count >= 6, $"{runs.Count} runs of the purge recorded");
        // Each firing ran on one node: no scheduled time twice across the two nodes.
        Assert.All(runs.GroupBy(r => r.ScheduledAt), firing => Assert.Single(firing));
        // The photos were purged by one run, on one node; every other run found nothing to do.
        var purging = Assert.Single(runs, r => r.Result != "0 purged");
        Assert.Equal("3 purged", purging.Result);
        Assert.Contains(purging.NodeId, new[] { "node-a", "node-b" });
        Assert.All(runs, r => Assert.Null(r.Error));
        Assert.Empty(TrackerDatabase.StoredFiles(Path.Combine(a.DataDirectory, "photos")));
        output.WriteLine($"runs by node: {string.Join(", ", runs.GroupBy(r => r.NodeId).Select(g => $"{g.Key} {g.Count()}"))}");
    }

    private Task<long> Scalar(string sql, object? parameters = null) => TrackerDatabase.ScalarAsync<long>(nodes.Database, sql, parameters);
}
