using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.Embedding;

public sealed class RestartTests : IDisposable
{
    private static readonly string[] SceneFiles = ["Aqua.jpg", "Blinds.jpg", "Dune.jpg", "FreshFlower.jpg", "Garden.jpg", "Storm.jpg"];

    // Owned by the test, so that it outlives each of the apps started on it.
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "imaginai-tests", "restart-" + Guid.NewGuid().ToString("N"));
    private string DatabasePath => TestDatabase.Locate(dataDirectory);

    [Fact]
    public async Task Restart_WithPhotosPendingAndAgainMidProcessing_ProcessesEveryPhotoExactlyOnce()
    {
        // 1. Photos arrive while the model cannot load: they are stored and stay pending when the app stops.
        long projectId;
        await using (var first = TrackerApp.Create(dataDirectory: dataDirectory, settings: new() { ["Vision:Model"] = "no-such-model" }))
        {
            var client = first.CreateClient();
            projectId = (await first.CreateProjectAsync("Restarted site", client)).GetProperty("id").GetInt64();
            var milestoneId = await first.AddMilestoneAsync(projectId, "Foundations", client);
            await first.UploadOneAsync(projectId, "reference.jpg", RealPhotos.Read(SceneFiles[0]), milestoneId, client);
            var response = await first.UploadAsync(projectId, SceneFiles.Skip(1).Select(f => (f, RealPhotos.Read(f))), client: client);
            Assert.Equal(202, (int)response.StatusCode);
            var health = await client.GetFromJsonAsync<JsonElement>("/health");
            Assert.Equal("degraded", health.GetProperty("status").GetString());
            Assert.Contains("no-such-model", health.GetProperty("model").GetProperty("error").GetString());
            await Task.Delay(1500);
        }
        Assert.Equal(SceneFiles.Length, await CountAsync(projectId, "'pending'"));

        // 2. Restarted with the model, one photo per batch, and stopped as soon as the first photo is decided.
        await using (var second = TrackerApp.Create(dataDirectory: dataDirectory, settings: new() { ["Embedding:BatchSize"] = "1" }))
        {
            second.Start();
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (await CountAsync(projectId, "'matched', 'unmatched'") == 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        }
        Assert.InRange(await CountAsync(projectId, "'matched', 'unmatched'"), 1, SceneFiles.Length);

        // 3. Started again: the rest is processed, nothing twice.
        await using (var third = TrackerApp.Create(dataDirectory: dataDirectory))
        {
            third.Start();
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (await CountAsync(projectId, "'matched', 'unmatched'") < SceneFiles.Length && DateTime.UtcNow < deadline) await Task.Delay(200);
        }

        var rows = await TrackerDatabase.QueryAsync<(string Status, long Attempts, long Decisions, long Embeddings)>(DatabasePath, """
            SELECT status, attempts, decision_count, (SELECT COUNT(*) FROM embeddings e WHERE e.photo_id = photos.id)
            FROM photos WHERE project_id = @projectId
            """, new { projectId });
        Assert.Equal(SceneFiles.Length, rows.Count);
        Assert.All(rows, row =>
        {
            Assert.Contains(row.Status, new[] { "matched", "unmatched" });
            Assert.Equal((1L, 1L, 1L), (row.Attempts, row.Decisions, row.Embeddings));
        });
    }

    private Task<long> CountAsync(long projectId, string statuses) =>
        TrackerDatabase.ScalarAsync<long>(DatabasePath, $"SELECT COUNT(*) FROM photos WHERE project_id = @projectId AND status IN ({statuses})", new { projectId });

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true);
    }
}
