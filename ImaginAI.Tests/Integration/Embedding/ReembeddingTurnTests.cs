using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Data;
using Npgsql;

namespace ImaginAI.Tests.Integration.Embedding;

/// <summary>
/// Re-embedding after a model change is cluster maintenance: while another node holds its turn (PostgreSQL's advisory
/// lock, taken here by the test as that node would), this node leaves the old vectors alone, and takes the work over
/// once the turn is free, embedding each photo once.
/// </summary>
[Trait("Database", "own")] // PostgreSQL whatever the suite's provider (the turn is PostgreSQL's): run once, in the first pass of .ci/run
public sealed class ReembeddingTurnTests : IDisposable
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "imaginai-tests", "reembed-turn-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task ModelChange_WhileAnotherNodeHoldsTheReembeddingTurn_WaitsThenReembedsEachPhotoOnce()
    {
        if (TestDatabase.ServerOrNull() is null) return;
        var database = TestDatabase.CreateFor(dataDirectory);
        var onPostgres = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "postgres",
            ["ConnectionStrings:Postgres"] = database,
            ["Database:NodeId"] = "node-turn",
        };
        long projectId;
        long[] photoIds;
        await using (var before = TrackerApp.Create(dataDirectory: dataDirectory, settings: onPostgres))
        {
            var client = before.CreateClient();
            projectId = (await before.CreateProjectAsync("Turn site", client)).GetProperty("id").GetInt64();
            var milestoneId = await before.AddMilestoneAsync(projectId, "Frame", client);
            var reference = await before.UploadOneAsync(projectId, "frame.jpg", RealPhotos.Read("Garden.jpg"), milestoneId, client);
            await before.WaitUntilDecidedAsync(reference, client: client);
            var later = await before.UploadOneAsync(projectId, "frame-later.jpg", PhotoVariants.SecondVisit(RealPhotos.Read("Garden.jpg")), client: client);
            await before.WaitUntilDecidedAsync(later, client: client);
            photoIds = [reference, later];
        }

        // Another node's turn: a session holding the advisory lock, as a node busy re-embedding would.
        // Unpooled: a pooled connection's close keeps the PostgreSQL session, and its lock, until the pool reuses it.
        await using var otherNode = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString);
        await otherNode.OpenAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", otherNode))
        {
            take.Parameters.AddWithValue("key", MaintenanceLock.LockKey(MaintenanceLock.Reembedding));
            await take.ExecuteNonQueryAsync();
        }

        var afterSettings = new Dictionary<string, string?>(onPostgres);
        foreach (var (key, value) in ReembeddingTests.OtherModel) afterSettings[key] = value;
        await using var after = TrackerApp.Create(dataDirectory: dataDirectory, settings: afterSettings);
        var afterClient = after.CreateClient();
        // Long enough for several embedding runs of this node (each wakes at start-up and after every upload).
        var newPhoto = await after.UploadOneAsync(projectId, "frame-new.jpg", PhotoVariants.Crop(RealPhotos.Read("Garden.jpg"), 0.8f), client: afterClient);
        await after.WaitUntilDecidedAsync(newPhoto, client: afterClient);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(2, await RemainingAsync(afterClient, projectId));

        await otherNode.CloseAsync(); // the other node is done (or died): its session's lock is freed
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (await RemainingAsync(afterClient, projectId) > 0 && DateTime.UtcNow < deadline) await Task.Delay(250);

        Assert.Equal(0, await RemainingAsync(afterClient, projectId));
        var newModelId = (await afterClient.GetFromJsonAsync<JsonElement>("/health")).GetProperty("model").GetProperty("id").GetString();
        var perPhoto = await TrackerDatabase.QueryAsync<long>(database,
            "SELECT (SELECT COUNT(*) FROM embeddings e WHERE e.photo_id = p.id AND e.model_id = @newModelId) FROM photos p WHERE p.id = ANY(@photoIds)",
            new { newModelId, photoIds });
        Assert.Equal([1L, 1L], perPhoto);
    }

    private static async Task<int> RemainingAsync(HttpClient client, long projectId) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}/timeline")).GetProperty("reembedding").GetProperty("remaining").GetInt32();

    public void Dispose()
    {
        TestDatabase.DropFor(dataDirectory, always: true);
        if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true);
    }
}
