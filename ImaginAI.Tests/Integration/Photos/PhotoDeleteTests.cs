using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Integration.Search;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Photos;
using ImaginAI.Tracker.Scheduling;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ImaginAI.Tests.Integration.Photos;

/// <summary>Soft delete and restore of a photo (issue 14, §5): undoable for 30 days, audited, live, and out of search.</summary>
public sealed class PhotoDeleteTests(TrackerApp app) : IClassFixture<TrackerApp>
{
    private static readonly TimeSpan Processing = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task DeleteThenRestore_SitePhotoThatReachedAMilestone_LeavesAndReturnsLiveWithFileAndVectorsKept()
    {
        using var api = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Delete and restore", api)).GetProperty("id").GetInt64();
        var milestone = await app.AddMilestoneAsync(projectId, "Roof on", api);
        var site = await app.UploadOneAsync(projectId, "roof.jpg", RealPhotos.Read("Aqua.jpg"), client: api);
        await app.WaitUntilDecidedAsync(site, Processing, api);
        (await api.PutAsJsonAsync($"/api/photos/{site}/milestone", new { milestoneId = milestone })).EnsureSuccessStatusCode();
        var events = new ConcurrentQueue<string>();
        await using var hub = app.CreateHubConnection();
        foreach (var name in new[] { "photoDeleted", "photoRestored", "milestoneReached" })
            hub.On<JsonElement>(name, photo => events.Enqueue($"{name} {photo.GetProperty("id").GetInt64()}"));
        await hub.StartAsync();
        await hub.InvokeAsync("JoinProject", projectId);

        var deleted = await api.DeleteAsync($"/api/photos/{site}");

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        var body = await deleted.Content.ReadFromJsonAsync<JsonElement>();
        var deletedAt = body.GetProperty("deletedAt").GetDateTimeOffset();
        Assert.Equal(deletedAt.AddDays(30), body.GetProperty("purgeAfter").GetDateTimeOffset());
        var timeline = await api.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}/timeline");
        Assert.DoesNotContain(site, PhotoIds(timeline));
        Assert.Equal(0, timeline.GetProperty("progress").GetProperty("reached").GetInt32());
        Assert.Equal(0, (await api.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}")).GetProperty("photoCount").GetInt32());
        var sha = await TrackerDatabase.ScalarAsync<string>(app.DatabasePath, "SELECT sha256 FROM photos WHERE id = @site", new { site });
        Assert.Contains(TrackerDatabase.StoredFiles(app.PhotosDirectory), f => f.Contains(sha, StringComparison.Ordinal));
        Assert.Equal(1L, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath, "SELECT COUNT(*) FROM embeddings WHERE photo_id = @site", new { site }));
        Assert.Equal(1L, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'deleted' AND subject = @subject", new { subject = $"DELETE /api/photos/{site}" }));
        Assert.Equal(HttpStatusCode.Conflict, (await api.DeleteAsync($"/api/photos/{site}")).StatusCode);

        var restored = await api.PostAsync($"/api/photos/{site}/restore", null);

        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await restored.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deletedAt").ValueKind);
        timeline = await api.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}/timeline");
        Assert.Contains(site, PhotoIds(timeline));
        Assert.Equal(1, timeline.GetProperty("progress").GetProperty("reached").GetInt32());
        Assert.Equal(1L, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'photo-restored' AND project_id = @projectId", new { projectId }));
        await WaitForAsync(() => events.Count >= 3);
        Assert.Equal([$"photoDeleted {site}", $"photoRestored {site}", $"milestoneReached {site}"], events.ToArray());
    }

    [Fact]
    public async Task Search_DeletedPhoto_IsNotFoundUntilRestored()
    {
        using var api = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Search after delete", api)).GetProperty("id").GetInt64();
        var bytes = RealPhotos.Read("YellowFlower.jpg");
        var photo = await app.UploadOneAsync(projectId, "flower.jpg", bytes, client: api);
        await app.WaitUntilDecidedAsync(photo, Processing, api);
        Assert.Contains(photo, await SearchAsync(api, bytes));

        (await api.DeleteAsync($"/api/photos/{photo}")).EnsureSuccessStatusCode();
        Assert.DoesNotContain(photo, await SearchAsync(api, bytes));

        (await api.PostAsync($"/api/photos/{photo}/restore", null)).EnsureSuccessStatusCode();
        Assert.Contains(photo, await SearchAsync(api, bytes));
    }

    [Fact]
    public async Task PurgeJob_PhotoDeletedMoreThan30DaysAgo_RemovesRowVectorsFileAndTimelapse()
    {
        using var api = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Purged after 30 days", api)).GetProperty("id").GetInt64();
        var old = await app.UploadOneAsync(projectId, "old.jpg", RealPhotos.Read("TwoWings.jpg"), client: api);
        var recent = await app.UploadOneAsync(projectId, "recent.jpg", RealPhotos.Read("Blinds.jpg"), client: api);
        foreach (var id in new[] { old, recent }) await app.WaitUntilDecidedAsync(id, Processing, api);
        // A time-lapse built on the photo goes with it: its frames are copies of the photo.
        await Timelapse.TimelapseScenario.WaitReadyAsync(api, old);
        var timelapseFolder = Path.Combine(app.DataDirectory, "timelapse", old.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotEmpty(Directory.GetFiles(timelapseFolder));
        foreach (var id in new[] { old, recent }) (await api.DeleteAsync($"/api/photos/{id}")).EnsureSuccessStatusCode();
        var oldSha = await TrackerDatabase.ScalarAsync<string>(app.DatabasePath, "SELECT sha256 FROM photos WHERE id = @old", new { old });
        await TrackerDatabase.ExecuteAsync(app.DatabasePath, "UPDATE photos SET deleted_at = '2020-01-01T00:00:00.000Z' WHERE id = @old", new { old });

        await app.Services.GetRequiredService<JobWaker>().WakeAsync(PhotoPurgeJob.Key);

        await WaitForAsync(async () => await TrackerDatabase.ScalarAsync<long>(app.DatabasePath, "SELECT COUNT(*) FROM photos WHERE id = @old", new { old }) == 0);
        Assert.Equal(0L, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath, "SELECT COUNT(*) FROM embeddings WHERE photo_id = @old", new { old }));
        Assert.DoesNotContain(TrackerDatabase.StoredFiles(app.PhotosDirectory), f => f.Contains(oldSha, StringComparison.Ordinal));
        Assert.False(Directory.Exists(timelapseFolder), "the purged photo's time-lapse is still on disk");
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync($"/api/photos/{old}/restore", null)).StatusCode);
        // Deleted only now: still restorable.
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/photos/{recent}/restore", null)).StatusCode);
    }

    private static async Task<List<long>> SearchAsync(HttpClient api, byte[] bytes)
    {
        var response = await api.PostAsync("/api/search", SearchScenario.Query(bytes));
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("photoId").GetInt64()).ToList();
    }

    private static IEnumerable<long> PhotoIds(JsonElement timeline) =>
        new[] { "unmatched", "pending", "failed" }.SelectMany(lane => timeline.GetProperty(lane).EnumerateArray())
            .Concat(timeline.GetProperty("milestones").EnumerateArray().SelectMany(m => m.GetProperty("photos").EnumerateArray()))
            .Select(p => p.GetProperty("id").GetInt64());

    private static Task WaitForAsync(Func<bool> condition) => WaitForAsync(() => Task.FromResult(condition()));

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await condition() && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(await condition(), "did not happen within 90 s");
    }
}
