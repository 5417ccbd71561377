using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace ImaginAI.Tests.Integration.Photos;

/// <summary>Filing many photos in review at once (issue 14, §2): one request, one audit line, every watcher told.</summary>
public sealed class BulkReviewTests(TrackerApp app) : IClassFixture<TrackerApp>
{
    [Fact]
    public async Task AssignMany_PhotosInReview_OneTransactionOneAuditLineAndLiveToWatchers()
    {
        using var api = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Bulk review", api)).GetProperty("id").GetInt64();
        var ids = new List<long>();
        foreach (var file in new[] { "Aqua.jpg", "Wood.jpg", "Blinds.jpg" })
            ids.Add(await app.UploadOneAsync(projectId, file, RealPhotos.Read(file), client: api));
        foreach (var id in ids) Assert.Equal("unmatched", (await app.WaitUntilDecidedAsync(id, TimeSpan.FromMinutes(2), api)).GetProperty("status").GetString());
        var roof = await app.AddMilestoneAsync(projectId, "Roof", api);
        var events = new ConcurrentQueue<string>();
        await using var hub = app.CreateHubConnection();
        foreach (var name in new[] { "photoUpdated", "milestoneReached" })
            hub.On<JsonElement>(name, photo => events.Enqueue($"{name} {photo.GetProperty("id").GetInt64()}"));
        await hub.StartAsync();
        await hub.InvokeAsync("JoinProject", projectId);

        var refused = await api.PostAsJsonAsync($"/api/projects/{projectId}/photos/milestone", new { photoIds = new[] { ids[0], 999_999L }, milestoneId = roof });
        var filed = await api.PostAsJsonAsync($"/api/projects/{projectId}/photos/milestone", new { photoIds = ids.Take(2), milestoneId = roof });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Nothing was changed", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, filed.StatusCode);
        Assert.Equal(2, (await filed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("updated").GetInt32());
        var timeline = await api.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}/timeline");
        Assert.Equal(ids.Take(2).Order(), timeline.GetProperty("milestones")[0].GetProperty("photos").EnumerateArray().Select(p => p.GetProperty("id").GetInt64()).Order());
        Assert.Equal([ids[2]], timeline.GetProperty("unmatched").EnumerateArray().Select(p => p.GetProperty("id").GetInt64()));
        Assert.True(timeline.GetProperty("milestones")[0].GetProperty("reached").GetBoolean());
        Assert.Equal(1L, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'milestone-decided' AND project_id = @projectId", new { projectId }));
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (events.Count < 3 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(2, events.Count(e => e.StartsWith("photoUpdated", StringComparison.Ordinal)));
        Assert.Single(events, e => e.StartsWith("milestoneReached", StringComparison.Ordinal));
    }
}
