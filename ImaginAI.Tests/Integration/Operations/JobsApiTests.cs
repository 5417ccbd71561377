using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.Operations;

public sealed class JobsApiTests
{
    private static readonly Dictionary<string, string?> OneAttempt = new() { ["Embedding:MaxAttempts"] = "1" };

    [Fact]
    public async Task Pause_Embedding_PhotosWaitUntilResumedAndThePauseOutlivesARestart()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "imaginai-tests", Guid.NewGuid().ToString("N"));
        long photoId;
        await using (var first = TrackerApp.Create(dataDirectory: dataDirectory))
        {
            var admin = first.CreateClient();
            (await admin.PostAsync("/api/admin/jobs/embedding/pause", null)).EnsureSuccessStatusCode();
            var projectId = (await first.CreateProjectAsync("Paused", admin)).GetProperty("id").GetInt64();
            photoId = await first.UploadOneAsync(projectId, "garden.jpg", RealPhotos.Read("Garden.jpg"), client: admin);
            // Three runs of a one-second job would have embedded it.
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal("pending", (await first.GetPhotoAsync(photoId, admin)).GetProperty("status").GetString());
        }

        await using var second = TrackerApp.Create(dataDirectory: dataDirectory);
        var client = second.CreateClient();
        var overview = await client.GetFromJsonAsync<JsonElement>("/api/admin/jobs");
        Assert.True(overview.GetProperty("paused").GetProperty("embedding").GetBoolean());
        Assert.False(overview.GetProperty("paused").GetProperty("matching").GetBoolean());
        Assert.Equal(photoId, overview.GetProperty("oldestWaiting").GetProperty("photoId").GetInt64());
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal("pending", (await second.GetPhotoAsync(photoId, client)).GetProperty("status").GetString());

        var resumed = await client.PostAsync("/api/admin/jobs/embedding/resume", null);

        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        var decided = await second.WaitUntilDecidedAsync(photoId, client: client);
        Assert.Contains(decided.GetProperty("status").GetString(), new[] { "matched", "unmatched" });
        await second.DisposeAsync(); // its jobs write into the data directory every second until it stops
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        TestDatabase.DropFor(dataDirectory);
        Directory.Delete(dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Pause_UnknownQueue_Answers404Problem()
    {
        await using var app = TrackerApp.Create();

        using var response = await app.CreateClient().PostAsync("/api/admin/jobs/thumbnails/pause", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task RetryPhoto_FailedBecauseItsFileWasAway_IsDecidedOnceTheFileIsBack()
    {
        await using var app = TrackerApp.Create(settings: OneAttempt);
        var admin = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Retry one", admin)).GetProperty("id").GetInt64();
        var photoId = await app.UploadAndFailAsync(projectId, "garden.jpg", RealPhotos.Read("Garden.jpg"), admin);
        var failed = await app.GetPhotoAsync(photoId, admin);
        Assert.Contains("missing", failed.GetProperty("error").GetString());

        using var retried = await admin.PostAsync($"/api/photos/{photoId}/retry", null);

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        var decided = await app.WaitUntilDecidedAsync(photoId, client: admin);
        Assert.Contains(decided.GetProperty("status").GetString(), new[] { "matched", "unmatched" });
        Assert.Equal(1, decided.GetProperty("attempts").GetInt32());
        using var again = await admin.PostAsync($"/api/photos/{photoId}/retry", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Upload_SameFileAsAFailedPhoto_OffersARetryInsteadOfDuplicateOf()
    {
        await using var app = TrackerApp.Create(settings: OneAttempt);
        var admin = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Re-upload", admin)).GetProperty("id").GetInt64();
        var bytes = RealPhotos.Read("Storm.jpg");
        var photoId = await app.UploadAndFailAsync(projectId, "storm.jpg", bytes, admin);

        using var response = await app.UploadAsync(projectId, [("storm-again.jpg", bytes)], client: admin);
        var result = (await response.Content.ReadFromJsonAsync<JsonElement>())[0];

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(photoId, result.GetProperty("id").GetInt64());
        Assert.Equal("failed", result.GetProperty("status").GetString());
        Assert.False(result.TryGetProperty("duplicateOf", out _));
        Assert.Contains("missing", result.GetProperty("failedReason").GetString());
        var retryUrl = result.GetProperty("retryUrl").GetString();
        Assert.Equal($"/api/photos/{photoId}/retry", retryUrl);
        (await admin.PostAsync(retryUrl, null)).EnsureSuccessStatusCode();
        await app.WaitUntilDecidedAsync(photoId, client: admin);
        Assert.Equal(1, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath, "SELECT COUNT(*) FROM photos WHERE project_id = @projectId", new { projectId }));
    }

    [Fact]
    public async Task RetryFailed_ProjectAndAll_RequeueOnlyWhatTheyName()
    {
        await using var app = TrackerApp.Create(settings: OneAttempt);
        var admin = app.CreateClient();
        var first = (await app.CreateProjectAsync("First", admin)).GetProperty("id").GetInt64();
        var second = (await app.CreateProjectAsync("Second", admin)).GetProperty("id").GetInt64();
        var inFirst = await app.UploadAndFailAsync(first, "garden.jpg", RealPhotos.Read("Garden.jpg"), admin);
        var inSecond = await app.UploadAndFailAsync(second, "dune.jpg", RealPhotos.Read("Dune.jpg"), admin);
        var overview = await admin.GetFromJsonAsync<JsonElement>("/api/admin/jobs");
        Assert.Equal(2, overview.GetProperty("photos").GetProperty("failed").GetInt32());
        var perProject = overview.GetProperty("projects").EnumerateArray().ToDictionary(p => p.GetProperty("projectId").GetInt64());
        Assert.Equal(1, perProject[first].GetProperty("photos").GetProperty("failed").GetInt32());
        Assert.Equal(1, perProject[second].GetProperty("photos").GetProperty("failed").GetInt32());

        var project = await (await admin.PostAsync($"/api/projects/{first}/retry-failed", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal([inFirst], project.GetProperty("photoIds").EnumerateArray().Select(e => e.GetInt64()));
        await app.WaitUntilDecidedAsync(inFirst, client: admin);
        Assert.Equal("failed", (await app.GetPhotoAsync(inSecond, admin)).GetProperty("status").GetString());

        var all = await (await admin.PostAsync("/api/admin/jobs/retry-failed", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(1, all.GetProperty("requeued").GetInt32());
        var decided = await app.WaitUntilDecidedAsync(inSecond, client: admin);
        Assert.NotEqual("failed", decided.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Reembed_Project_StoresItsVectorsAgainAndKeepsDecisions()
    {
        await using var app = TrackerApp.Create();
        var admin = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Re-embed", admin)).GetProperty("id").GetInt64();
        var ids = new List<long>();
        foreach (var name in new[] { "Garden.jpg", "Dune.jpg" })
            ids.Add(await app.UploadOneAsync(projectId, name, RealPhotos.Read(name), client: admin));
        var before = new List<string?>();
        foreach (var id in ids) before.Add((await app.WaitUntilDecidedAsync(id, client: admin)).GetProperty("status").GetString());
        const string vectorsSql = "SELECT COUNT(*) FROM embeddings e JOIN photos p ON p.id = e.photo_id WHERE p.project_id = @projectId";
        var firstStored = await TrackerDatabase.ScalarAsync<string>(app.DatabasePath,
            "SELECT MAX(e.created_at) FROM embeddings e JOIN photos p ON p.id = e.photo_id WHERE p.project_id = @projectId", new { projectId });

        var outcome = await (await admin.PostAsync($"/api/admin/jobs/projects/{projectId}/reembed", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(2, outcome.GetProperty("photos").GetInt32());
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (await TrackerDatabase.ScalarAsync<long>(app.DatabasePath, vectorsSql, new { projectId }) < 2 && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        Assert.Equal(2, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath, vectorsSql, new { projectId }));
        var restored = await TrackerDatabase.ScalarAsync<string>(app.DatabasePath,
            "SELECT MIN(e.created_at) FROM embeddings e JOIN photos p ON p.id = e.photo_id WHERE p.project_id = @projectId", new { projectId });
        Assert.True(string.CompareOrdinal(restored, firstStored) > 0, $"vectors stored at {restored}, before re-embedding at {firstStored}");
        for (var i = 0; i < ids.Count; i++)
            Assert.Equal(before[i], (await app.GetPhotoAsync(ids[i], admin)).GetProperty("status").GetString());
    }
}
