using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;
using Microsoft.Data.Sqlite;

namespace ImaginAI.Tests.Integration.Projects;

/// <summary>
/// What "reached" means (issue 14, §1): a milestone is reached by its first site photo, matched automatically or
/// assigned by a manager, at the time that photo was taken; reference photos added at setup do not count.
/// </summary>
public sealed class ProgressTests
{
    private static readonly TimeSpan Processing = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Timeline_OnlyReferencePhotos_NothingReachedUntilASitePhotoIsAssigned()
    {
        await using var app = TrackerApp.Create();
        using var api = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Reference-only start", api)).GetProperty("id").GetInt64();
        var ground = await app.AddMilestoneAsync(projectId, "Ground cleared", api);
        var meadow = await app.AddMilestoneAsync(projectId, "Meadow sown", api);
        foreach (var (file, milestone) in new[] { ("Dune.jpg", ground), ("GreenMeadow.jpg", meadow) })
            await app.WaitUntilDecidedAsync(await app.UploadOneAsync(projectId, file, RealPhotos.Read(file), milestone, api), Processing, api);

        var before = await api.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}/timeline");
        Assert.Equal(0, before.GetProperty("progress").GetProperty("reached").GetInt32());
        Assert.Equal(0, before.GetProperty("progress").GetProperty("percent").GetInt32());
        Assert.All(before.GetProperty("milestones").EnumerateArray(), m => Assert.False(m.GetProperty("reached").GetBoolean()));
        // The references still show in their milestones' lanes.
        Assert.All(before.GetProperty("milestones").EnumerateArray(), m => Assert.Equal(1, m.GetProperty("photos").GetArrayLength()));
        Assert.Equal(0, (await ProjectAsync(api, projectId)).GetProperty("milestonesReached").GetInt32());

        var site = await app.UploadOneAsync(projectId, "site.jpg", RealPhotos.Read("LadyBird.jpg"), client: api);
        var decided = await app.WaitUntilDecidedAsync(site, Processing, api);
        (await api.PutAsJsonAsync($"/api/photos/{site}/milestone", new { milestoneId = meadow })).EnsureSuccessStatusCode();

        var after = await api.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}/timeline");
        var reached = after.GetProperty("milestones").EnumerateArray().Single(m => m.GetProperty("id").GetInt64() == meadow);
        Assert.True(reached.GetProperty("reached").GetBoolean());
        Assert.Equal(site, reached.GetProperty("reachedPhotoId").GetInt64());
        Assert.Equal(decided.GetProperty("takenAt").GetDateTimeOffset(), reached.GetProperty("reachedAt").GetDateTimeOffset());
        Assert.Equal(1, after.GetProperty("progress").GetProperty("reached").GetInt32());
        Assert.Equal(50, after.GetProperty("progress").GetProperty("percent").GetInt32());
        Assert.Equal(1, (await ProjectAsync(api, projectId)).GetProperty("milestonesReached").GetInt32());

        // Put back: the milestone is open again.
        (await api.PutAsJsonAsync($"/api/photos/{site}/milestone", new { milestoneId = (long?)null })).EnsureSuccessStatusCode();
        Assert.Equal(0, (await ProjectAsync(api, projectId)).GetProperty("milestonesReached").GetInt32());
    }

    [Fact]
    public async Task Projects_MilestonePastItsDueDate_FlaggedLateOnTimelineAndList()
    {
        await using var app = TrackerApp.Create();
        using var api = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Overdue works", api)).GetProperty("id").GetInt64();
        var overdue = await AddMilestoneAsync(api, projectId, "Drainage laid", "2020-03-31");
        await AddMilestoneAsync(api, projectId, "Handover", "2999-12-31");

        var timeline = await api.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}/timeline");
        var lanes = timeline.GetProperty("milestones").EnumerateArray().ToList();
        Assert.True(lanes.Single(m => m.GetProperty("id").GetInt64() == overdue).GetProperty("late").GetBoolean());
        Assert.False(lanes.Single(m => m.GetProperty("id").GetInt64() != overdue).GetProperty("late").GetBoolean());
        var project = await ProjectAsync(api, projectId);
        Assert.Equal(1, project.GetProperty("milestonesLate").GetInt32());
        Assert.Equal("2020-03-31", project.GetProperty("nextDueDate").GetString());
    }

    [Fact]
    public async Task Migration0121_DatabaseFromBeforeTheRule_RecomputesReachedFromSitePhotosOnly()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("imaginai-progress-").FullName;
        long projectId, reference, site, withReferenceOnly, withSitePhoto;
        JsonElement siteJson;
        await using (var app = TrackerApp.Create(dataDirectory: dataDirectory))
        {
            using var api = app.CreateClient();
            projectId = (await app.CreateProjectAsync("Upgraded project", api)).GetProperty("id").GetInt64();
            withReferenceOnly = await app.AddMilestoneAsync(projectId, "Reference only", api);
            withSitePhoto = await app.AddMilestoneAsync(projectId, "Site photo", api);
            reference = await app.UploadOneAsync(projectId, "Dune.jpg", RealPhotos.Read("Dune.jpg"), withReferenceOnly, api);
            await app.WaitUntilDecidedAsync(reference, Processing, api);
            site = await app.UploadOneAsync(projectId, "Storm.jpg", RealPhotos.Read("Storm.jpg"), client: api);
            await app.WaitUntilDecidedAsync(site, Processing, api);
            (await api.PutAsJsonAsync($"/api/photos/{site}/milestone", new { milestoneId = withSitePhoto })).EnsureSuccessStatusCode();
            siteJson = await app.GetPhotoAsync(site, api);
        }

        // Make the file what a database from before migration 0121 was: no stored progress, 0121 not applied.
        await using (var connection = TrackerDatabase.Connect(TestDatabase.Locate(dataDirectory)))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                ALTER TABLE milestones DROP COLUMN reached_at;
                ALTER TABLE milestones DROP COLUMN reached_photo_id;
                DELETE FROM schema_versions WHERE scriptname LIKE '%0121_milestone_reached.sql';
                """;
            await command.ExecuteNonQueryAsync();
        }

        try
        {
            await using var upgraded = TrackerApp.Create(dataDirectory: dataDirectory);
            using var api = upgraded.CreateClient();
            var timeline = await api.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}/timeline");
            var lanes = timeline.GetProperty("milestones").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetInt64());
            Assert.False(lanes[withReferenceOnly].GetProperty("reached").GetBoolean());
            Assert.Equal(reference, lanes[withReferenceOnly].GetProperty("photos")[0].GetProperty("id").GetInt64());
            Assert.True(lanes[withSitePhoto].GetProperty("reached").GetBoolean());
            Assert.Equal(siteJson.GetProperty("takenAt").GetDateTimeOffset(), lanes[withSitePhoto].GetProperty("reachedAt").GetDateTimeOffset());
            Assert.Equal(1, timeline.GetProperty("progress").GetProperty("reached").GetInt32());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static async Task<JsonElement> ProjectAsync(HttpClient api, long projectId) =>
        await api.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}");

    private static async Task<long> AddMilestoneAsync(HttpClient api, long projectId, string name, string dueDate)
    {
        var response = await api.PostAsJsonAsync($"/api/projects/{projectId}/milestones", new { name, dueDate });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }
}
