using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;
using Microsoft.Data.Sqlite;

namespace ImaginAI.Tests.Integration.Calibration;

/// <summary>Migrations 0140 and 0141 on a database written before them.</summary>
public sealed class CalibrationMigrationTests
{
    [Fact]
    public async Task Migrations0140And0141_CorrectionPutBackBeforeTheFix_CountOnceAsLeftAndKeepTheJobsReasons()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("imaginai-calibration-").FullName;
        long projectId, milestone, photo;
        string? explanationText;
        await using (var app = TrackerApp.Create(dataDirectory: dataDirectory))
        {
            using var api = app.CreateClient();
            projectId = (await app.CreateProjectAsync("Upgraded examples", api)).GetProperty("id").GetInt64();
            milestone = await app.AddMilestoneAsync(projectId, "Cladding", api);
            var wood = PhotoVariants.Resize(RealPhotos.Read("Wood.jpg"), 0.25f);
            await app.WaitUntilDecidedAsync(await app.UploadOneAsync(projectId, "reference.jpg", wood, milestone, api), client: api);
            photo = await app.UploadOneAsync(projectId, "revisit.jpg", PhotoVariants.Resize(wood, 0.5f), client: api);
            var decided = await app.WaitUntilDecidedAsync(photo, client: api);
            Assert.Equal(milestone, decided.GetProperty("milestoneId").GetInt64());
            explanationText = decided.GetProperty("explanation").GetProperty("text").GetString();
            (await api.PutAsJsonAsync($"/api/photos/{photo}/milestone", new { milestoneId = (long?)null })).EnsureSuccessStatusCode();
            (await api.PutAsJsonAsync($"/api/photos/{photo}/milestone", new { milestoneId = milestone })).EnsureSuccessStatusCode();
        }

        // What the database held before: no history, and the example of the correction kept after it was put back
        // (a change of mind on a photo a manager had decided was not recorded).
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "tracker.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                DROP TABLE photo_decisions;
                DROP INDEX ux_match_examples_photo;
                UPDATE match_examples SET manager_milestone_id = NULL, confirmed = 0, should_match = 0;
                INSERT INTO match_examples (project_id, photo_id, best_score, inliers, auto_milestone_id, manager_milestone_id, confirmed, should_match, created_at)
                SELECT project_id, photo_id, best_score, inliers, auto_milestone_id, NULL, 0, 0, created_at FROM match_examples;
                DELETE FROM schema_versions WHERE scriptname LIKE '%0140_photo_decisions.sql' OR scriptname LIKE '%0141_one_example_per_photo.sql';
                """;
            await command.ExecuteNonQueryAsync();
        }

        try
        {
            await using var upgraded = TrackerApp.Create(dataDirectory: dataDirectory);
            using var api = upgraded.CreateClient();
            var calibration = await api.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}/calibration");
            Assert.Equal(1, calibration.GetProperty("examples").GetInt32());
            var advice = calibration.GetProperty("thresholdAdvice");
            Assert.Equal((1, 0), (advice.GetProperty("shouldMatch").GetInt32(), advice.GetProperty("shouldNotMatch").GetInt32()));

            var history = (await api.GetFromJsonAsync<JsonElement>($"/api/photos/{photo}/decisions")).EnumerateArray().ToList();
            Assert.Equal(["auto", "manual"], history.Select(d => d.GetProperty("source").GetString()));
            Assert.Equal(milestone, history[0].GetProperty("milestoneId").GetInt64());
            Assert.Equal(explanationText, history[0].GetProperty("explanation").GetProperty("text").GetString());
            Assert.Equal("Cladding", history[1].GetProperty("milestoneName").GetString());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            // The stopped app's last writes (the index file at shutdown) may still be landing.
            for (var attempt = 1; Directory.Exists(dataDirectory); attempt++)
                try
                {
                    Directory.Delete(dataDirectory, recursive: true);
                }
                catch (IOException) when (attempt < 10)
                {
                    await Task.Delay(500);
                }
        }
    }
}
