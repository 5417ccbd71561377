using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.Projects;

/// <summary>An archived project is read-only and hidden from the list by default (issue 14, §5).</summary>
public sealed class ArchiveTests(TrackerApp app) : IClassFixture<TrackerApp>
{
    [Fact]
    public async Task Archive_Project_HiddenByDefaultAndEveryChangeRefusedUntilUnarchived()
    {
        using var api = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Finished block A", api)).GetProperty("id").GetInt64();
        var milestone = await app.AddMilestoneAsync(projectId, "Handover", api);
        var photo = await app.UploadOneAsync(projectId, "handover.jpg", TestImages.QuadrantsJpeg(640, 480), client: api);

        var archived = await api.PostAsync($"/api/projects/{projectId}/archive", null);

        Assert.Equal(HttpStatusCode.OK, archived.StatusCode);
        Assert.NotEqual(JsonValueKind.Null, (await archived.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("archivedAt").ValueKind);
        Assert.DoesNotContain(projectId, await ListAsync(api, "/api/projects"));
        Assert.Contains(projectId, await ListAsync(api, "/api/projects?includeArchived=true"));
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/projects/{projectId}/timeline")).StatusCode);
        var refusals = new[]
        {
            await app.UploadAsync(projectId, [("late.jpg", TestImages.QuadrantsJpeg(700, 480))], client: api),
            await api.PostAsJsonAsync($"/api/projects/{projectId}/milestones", new { name = "Snagging" }),
            await api.PatchAsJsonAsync($"/api/projects/{projectId}", new { name = "Renamed" }),
            await api.PutAsJsonAsync($"/api/photos/{photo}/milestone", new { milestoneId = milestone }),
            await api.DeleteAsync($"/api/photos/{photo}"),
            await api.DeleteAsync($"/api/projects/{projectId}/milestones/{milestone}"),
        };
        foreach (var refusal in refusals)
        {
            Assert.Equal(HttpStatusCode.Conflict, refusal.StatusCode);
            Assert.Equal("application/problem+json", refusal.Content.Headers.ContentType!.MediaType);
            Assert.Contains("archived, so it is read-only", (await refusal.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }
        Assert.Equal(1L, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath, "SELECT COUNT(*) FROM photos WHERE project_id = @projectId", new { projectId }));

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/projects/{projectId}/unarchive", null)).StatusCode);
        Assert.Contains(projectId, await ListAsync(api, "/api/projects"));
        Assert.Equal(HttpStatusCode.Accepted, (await app.UploadAsync(projectId, [("late.jpg", TestImages.QuadrantsJpeg(700, 480))], client: api)).StatusCode);
    }

    private static async Task<List<long>> ListAsync(HttpClient api, string url) =>
        (await api.GetFromJsonAsync<JsonElement>(url)).EnumerateArray().Select(p => p.GetProperty("id").GetInt64()).ToList();
}
