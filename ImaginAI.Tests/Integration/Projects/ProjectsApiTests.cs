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

    [Theory]
    [InlineData(2147483647)]
    [InlineData(10001)]
    [InlineData(0)]
    public async Task CreateMilestone_PositionOutOfRange_Returns400AndTheProjectKeepsWorking(int position)
    {
        var projectId = (await app.CreateProjectAsync($"Position {position}", client)).GetProperty("id").GetInt64();

        var refused = await client.PostAsJsonAsync($"/api/projects/{projectId}/milestones", new { name = "Far away", position });
        var next = await client.PostAsJsonAsync($"/api/projects/{projectId}/milestones", new { name = "Next" });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("Position out of range", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.Created, next.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/projects/{projectId}/milestones")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/projects/{projectId}/timeline")).StatusCode);
    }

    [Fact]
    public async Task CreateMilestone_WithoutPositionAfterTheHighest_StaysWithinRangeAndReadable()
    {
        var projectId = (await app.CreateProjectAsync("Position at the top", client)).GetProperty("id").GetInt64();
        await client.PostAsJsonAsync($"/api/projects/{projectId}/milestones", new { name = "Top", position = 10000 });

        var next = await client.PostAsJsonAsync($"/api/projects/{projectId}/milestones", new { name = "After the top" });

        Assert.Equal(HttpStatusCode.Created, next.StatusCode);
        Assert.Equal(10000, (await next.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("position").GetInt32());
        var listed = await client.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}/milestones");
        Assert.Equal(["Top", "After the top"], listed!.EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/projects/{projectId}/timeline")).StatusCode);
    }

    [Fact]
    public async Task Migration0076_ProjectBrokenByAPositionPastInt32_WorksAgainAfterRestart()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "imaginai-tests", Guid.NewGuid().ToString("N"));
        long projectId;
        await using (var before = TrackerApp.Create(dataDirectory: dataDirectory))
        {
            using var api = before.CreateClient();
            projectId = (await before.CreateProjectAsync("Broken before the fix", api)).GetProperty("id").GetInt64();
            await before.AddMilestoneAsync(projectId, "Foundations", api);
            // What the old code stored for a milestone added after one at position 2147483647; and the migration
            // forgotten, so the next start applies it as it would to a database from before it existed.
            await TrackerDatabase.ExecuteAsync(before.DatabasePath, """
                UPDATE milestones SET position = 2147483648 WHERE project_id = @project;
                DELETE FROM schema_versions WHERE scriptname LIKE '%0076_milestone_position_range.sql';
                """, new { project = projectId });
            Assert.Equal(HttpStatusCode.InternalServerError, (await api.GetAsync($"/api/projects/{projectId}/milestones")).StatusCode);
        }

        await using var after = TrackerApp.Create(dataDirectory: dataDirectory);
        using var client2 = after.CreateClient();
        var milestones = await client2.GetAsync($"/api/projects/{projectId}/milestones");

        Assert.Equal(HttpStatusCode.OK, milestones.StatusCode);
        Assert.Equal(10000, (await milestones.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("position").GetInt32());
        Directory.Delete(dataDirectory, recursive: true);
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
