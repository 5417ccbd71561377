using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.Projects;

public sealed class ProjectsApiTests(TrackerApp app) : IClassFixture<TrackerApp>
{
    private readonly HttpClient client = app.CreateClient();

    [Fact]
    public async Task CreateProject_WithName_Returns201AndIsListed()
    {
        var response = await client.PostAsJsonAsync("/api/projects", new { name = "  North tower  ", description = "Block B" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("North tower", created.GetProperty("name").GetString());
        Assert.Equal(0, created.GetProperty("photoCount").GetInt32());
        var id = created.GetProperty("id").GetInt64();
        Assert.Equal($"/api/projects/{id}", response.Headers.Location!.OriginalString);
        var all = await client.GetFromJsonAsync<JsonElement>("/api/projects");
        Assert.Contains(all.EnumerateArray(), p => p.GetProperty("id").GetInt64() == id && p.GetProperty("description").GetString() == "Block B");
    }

    [Fact]
    public async Task CreateProject_WithoutName_Returns400ProblemInPlainWords()
    {
        var response = await client.PostAsJsonAsync("/api/projects", new { name = " " });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Give the project a name.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task CreateProject_MalformedJson_Returns400ProblemWithoutStackTrace()
    {
        var response = await client.PostAsync("/api/projects", new StringContent("{\"name\":", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(" at ", body);
    }

    [Fact]
    public async Task CreateMilestone_WithoutPosition_GoesAfterTheLast()
    {
        var projectId = (await app.CreateProjectAsync("Milestones order", client)).GetProperty("id").GetInt64();

        var first = await client.PostAsJsonAsync($"/api/projects/{projectId}/milestones", new { name = "Foundations", dueDate = "2025-06-30" });
        var second = await client.PostAsJsonAsync($"/api/projects/{projectId}/milestones", new { name = "Walls" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var firstJson = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("2025-06-30", firstJson.GetProperty("dueDate").GetString());
        Assert.Equal(1, firstJson.GetProperty("position").GetInt32());
        Assert.Equal(2, (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("position").GetInt32());
        var listed = await client.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}/milestones");
        Assert.Equal(["Foundations", "Walls"], listed.EnumerateArray().Select(m => m.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task CreateMilestone_UnreadableDueDate_Returns400NamingTheFormat()
    {
        var projectId = (await app.CreateProjectAsync("Due dates", client)).GetProperty("id").GetInt64();

        var response = await client.PostAsJsonAsync($"/api/projects/{projectId}/milestones", new { name = "Roof", dueDate = "30/06/2025" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("2025-06-30", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task CreateMilestone_UnknownProject_Returns404Problem()
    {
        var response = await client.PostAsJsonAsync("/api/projects/999999/milestones", new { name = "Roof" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task UpdateProject_Threshold_IsUsedAndOutOfRangeIsRefused()
    {
        var projectId = (await app.CreateProjectAsync("Thresholds", client)).GetProperty("id").GetInt64();

        var refused = await client.PatchAsJsonAsync($"/api/projects/{projectId}", new { matchThreshold = 1.5 });
        var accepted = await client.PatchAsJsonAsync($"/api/projects/{projectId}", new { matchThreshold = 0.9 });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var project = await client.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}");
        Assert.Equal(0.9, project.GetProperty("matchThreshold").GetDouble());
        Assert.False(project.GetProperty("matchThresholdIsDefault").GetBoolean());
    }

    [Fact]
    public async Task UpdateProject_MinInliers_DefaultsToMeasuredValueIsKeptAndOutOfRangeIsRefused()
    {
        var created = await app.CreateProjectAsync("Keypoint evidence", client);
        var projectId = created.GetProperty("id").GetInt64();

        var refused = await client.PatchAsJsonAsync($"/api/projects/{projectId}", new { minInliers = 2 });
        var accepted = await client.PatchAsJsonAsync($"/api/projects/{projectId}", new { minInliers = 30 });

        Assert.Equal(new ImaginAI.Tracker.Matching.MatchRuleSettings().MinInliers, created.GetProperty("minInliers").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var project = await client.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}");
        Assert.Equal(30, project.GetProperty("minInliers").GetInt32());
        Assert.Equal(created.GetProperty("matchThreshold").GetDouble(), project.GetProperty("matchThreshold").GetDouble());
    }
}
