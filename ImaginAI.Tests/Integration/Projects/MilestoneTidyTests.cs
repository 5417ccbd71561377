using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.Projects;

/// <summary>Renaming, reordering and deleting milestones (issue 14, §5).</summary>
public sealed class MilestoneTidyTests(TrackerApp app) : IClassFixture<TrackerApp>
{
    [Fact]
    public async Task RenameAndReorder_ByManager_SavedAndAudited()
    {
        using var api = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Tidy milestones", api)).GetProperty("id").GetInt64();
        var a = await app.AddMilestoneAsync(projectId, "Scaffold", api);
        var b = await app.AddMilestoneAsync(projectId, "Roof", api);
        var c = await app.AddMilestoneAsync(projectId, "Handover", api);

        var renamed = await api.PatchAsJsonAsync($"/api/projects/{projectId}/milestones/{a}", new { name = "  Scaffold up ", dueDate = "2031-05-01" });
        var reordered = await api.PutAsJsonAsync($"/api/projects/{projectId}/milestones/order", new { milestoneIds = new[] { b, a, c } });
        var incomplete = await api.PutAsJsonAsync($"/api/projects/{projectId}/milestones/order", new { milestoneIds = new[] { b, a } });
        var cleared = await api.PatchAsJsonAsync($"/api/projects/{projectId}/milestones/{a}", new { dueDate = "" });

        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal("2031-05-01", (await renamed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dueDate").GetString());
        Assert.Equal(HttpStatusCode.OK, reordered.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, incomplete.StatusCode);
        Assert.Contains("every milestone", (await incomplete.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(JsonValueKind.Null, (await cleared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dueDate").ValueKind);
        var milestones = await api.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}/milestones");
        Assert.Equal(["Roof", "Scaffold up", "Handover"], milestones.EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        Assert.Equal([1, 2, 3], milestones.EnumerateArray().Select(m => m.GetProperty("position").GetInt32()));
        Assert.Equal(3L, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'milestone-changed' AND project_id = @projectId", new { projectId }));
    }

    [Fact]
    public async Task Delete_MilestoneWithReferenceAndSitePhoto_PhotosGoToReviewAndProgressIsRecomputed()
    {
        using var api = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Delete a milestone", api)).GetProperty("id").GetInt64();
        var doomed = await app.AddMilestoneAsync(projectId, "Wrong milestone", api);
        await app.AddMilestoneAsync(projectId, "Kept", api);
        var reference = await app.UploadOneAsync(projectId, "ref.jpg", RealPhotos.Read("Garden.jpg"), doomed, api);
        var site = await app.UploadOneAsync(projectId, "site.jpg", RealPhotos.Read("RainDrops.jpg"), client: api);
        foreach (var id in new[] { reference, site }) await app.WaitUntilDecidedAsync(id, TimeSpan.FromMinutes(2), api);
        (await api.PutAsJsonAsync($"/api/photos/{site}/milestone", new { milestoneId = doomed })).EnsureSuccessStatusCode();
        Assert.Equal(1, (await api.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}")).GetProperty("milestonesReached").GetInt32());

        var response = await api.DeleteAsync($"/api/projects/{projectId}/milestones/{doomed}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("photosMovedToReview").GetInt32());
        var timeline = await api.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}/timeline");
        Assert.Equal(["Kept"], timeline.GetProperty("milestones").EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        Assert.Equal(new[] { reference, site }.Order(), timeline.GetProperty("unmatched").EnumerateArray().Select(p => p.GetProperty("id").GetInt64()).Order());
        Assert.Equal(0, timeline.GetProperty("progress").GetProperty("reached").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await api.DeleteAsync($"/api/projects/{projectId}/milestones/{doomed}")).StatusCode);
    }
}
