using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.Embedding;

public sealed class ReembeddingTests : IDisposable
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "imaginai-tests", "reembed-" + Guid.NewGuid().ToString("N"));
    private string DatabasePath => TestDatabase.Locate(dataDirectory);

    // The same ResNet18 weights under another model name: another model id, so its vectors are a separate space.
    internal static Dictionary<string, string?> OtherModel => new()
    {
        ["Vision:Model"] = "resnet18-renamed",
        ["Vision:Models:resnet18-renamed:File"] = Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx"),
        ["Vision:Models:resnet18-renamed:Profile"] = "resnet18",
        ["Vision:Models:resnet18-renamed:Layer"] = "Pooling395_Output_0",
        ["Vision:Models:resnet18-renamed:Dims"] = "512",
    };

    [Fact]
    public async Task ModelChange_ExistingPhotosAreReembeddedKeepingTheirDecisions_AndNewPhotosMatchInTheNewModel()
    {
        long projectId, milestoneId;
        long[] photoIds;
        await using (var before = TrackerApp.Create(dataDirectory: dataDirectory))
        {
            var client = before.CreateClient();
            projectId = (await before.CreateProjectAsync("Model change", client)).GetProperty("id").GetInt64();
            milestoneId = await before.AddMilestoneAsync(projectId, "Frame", client);
            var reference = await before.UploadOneAsync(projectId, "frame.jpg", RealPhotos.Read("Garden.jpg"), milestoneId, client);
            await before.WaitUntilDecidedAsync(reference, client: client);
            var later = await before.UploadOneAsync(projectId, "frame-later.jpg", PhotoVariants.SecondVisit(RealPhotos.Read("Garden.jpg")), client: client);
            Assert.Equal("matched", (await before.WaitUntilDecidedAsync(later, client: client)).GetProperty("status").GetString());
            photoIds = [reference, later];
        }

        await using var after = TrackerApp.Create(dataDirectory: dataDirectory, settings: OtherModel);
        var afterClient = after.CreateClient();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        JsonElement timeline;
        do
        {
            await Task.Delay(200);
            timeline = await afterClient.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}/timeline");
        } while (timeline.GetProperty("reembedding").GetProperty("remaining").GetInt32() > 0 && DateTime.UtcNow < deadline);

        Assert.Equal(0, timeline.GetProperty("reembedding").GetProperty("remaining").GetInt32());
        // Dapper expands IN @list for SQLite; Npgsql takes the list as one array.
        var inPhotoIds = TestDatabase.IsPostgres ? "= ANY(@photoIds)" : "IN @photoIds";
        var rows = await TrackerDatabase.QueryAsync<(string Status, long Decisions, long Models)>(DatabasePath, $"""
            SELECT status, decision_count, (SELECT COUNT(DISTINCT model_id) FROM embeddings e WHERE e.photo_id = photos.id)
            FROM photos WHERE id {inPhotoIds}
            """, new { photoIds = photoIds.ToArray() });
        Assert.All(rows, row => Assert.Equal(("matched", 1L, 2L), row));

        var newPhoto = await after.UploadOneAsync(projectId, "frame-new.jpg", PhotoVariants.Crop(RealPhotos.Read("Garden.jpg"), 0.8f), client: afterClient);
        var decided = await after.WaitUntilDecidedAsync(newPhoto, client: afterClient);
        Assert.Equal("matched", decided.GetProperty("status").GetString());
        Assert.Equal(milestoneId, decided.GetProperty("milestoneId").GetInt64());
        var newModelId = (await afterClient.GetFromJsonAsync<JsonElement>("/health")).GetProperty("model").GetProperty("id").GetString();
        Assert.Equal([newModelId!], await TrackerDatabase.QueryAsync<string>(DatabasePath, "SELECT model_id FROM embeddings WHERE photo_id = @newPhoto", new { newPhoto }));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true);
    }
}
