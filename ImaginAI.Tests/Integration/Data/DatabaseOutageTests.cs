using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.Data;

/// <summary>
/// The app on a PostgreSQL server of the test's own, which the test stops and starts again under it: while the
/// database is away, requests answer 503 in plain words and readiness says why; an upload is refused whole (the
/// client is told to retry, no file is kept without its row); when the server is back, the same upload is accepted
/// and the photo waiting from before the outage is processed. Runs once, in the SQLite pass of .ci/run (it starts its
/// own server whatever the suite's provider).
/// </summary>
[Trait("Database", "own")]
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task Requests_PostgresStoppedAndStartedAgain_Answer503ThenResumeWithNothingLost()
    {
        if (TestDatabase.ServerOrNull() is null) return;
        await using var server = await PostgresServer.StartNewAsync();
        await using var app = TrackerApp.Create(settings: new()
        {
            ["Database:Provider"] = "postgres",
            ["ConnectionStrings:Postgres"] = server.ConnectionString,
        });
        var admin = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Outage site", admin)).GetProperty("id").GetInt64();
        var milestoneId = await app.AddMilestoneAsync(projectId, "Foundations", admin);
        await app.WaitUntilDecidedAsync(await app.UploadOneAsync(projectId, "reference.jpg", RealPhotos.Read("Garden.jpg"), milestoneId, admin), client: admin);
        // A photo accepted before the outage and still waiting for the embedding queue when the database goes away.
        (await admin.PostAsync("/api/admin/jobs/embedding/pause", null)).EnsureSuccessStatusCode();
        var waiting = await app.UploadOneAsync(projectId, "waiting.jpg", RealPhotos.Read("Storm.jpg"), client: admin);
        var filesBefore = TrackerDatabase.StoredFiles(app.PhotosDirectory).Count;

        await server.StopAsync();

        using var projects = await admin.GetAsync("/api/projects");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, projects.StatusCode);
        Assert.Equal("application/problem+json", projects.Content.Headers.ContentType?.MediaType);
        var problem = await projects.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Database unavailable", problem.GetProperty("title").GetString());
        Assert.Contains("try again", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("Exception", problem.GetRawText());
        Assert.NotNull(projects.Headers.RetryAfter);

        using var ready = await app.CreateAnonymousClient().GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("""{"status":"down","reason":"The database cannot be reached."}""", await ready.Content.ReadAsStringAsync());

        var photo = RealPhotos.Read("Dune.jpg");
        using var refused = await app.UploadAsync(projectId, [("during-outage.jpg", photo)], client: admin);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("try again", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(filesBefore, TrackerDatabase.StoredFiles(app.PhotosDirectory).Count);

        await server.StartAsync();

        // The client retries as it was told; the first requests may still meet connections the restart cut.
        var deadline = DateTime.UtcNow.AddMinutes(3);
        HttpResponseMessage retried;
        while ((retried = await app.UploadAsync(projectId, [("during-outage.jpg", photo)], client: admin)).StatusCode == HttpStatusCode.ServiceUnavailable
               && DateTime.UtcNow < deadline)
            await Task.Delay(500);
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        var retriedId = (await retried.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("id").GetInt64();
        (await admin.PostAsync("/api/admin/jobs/embedding/resume", null)).EnsureSuccessStatusCode();

        foreach (var id in new[] { waiting, retriedId })
            Assert.Contains((await app.WaitUntilDecidedAsync(id, client: admin)).GetProperty("status").GetString(), new[] { "matched", "unmatched" });
        using var healthy = await app.CreateAnonymousClient().GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        // The app runs in this process and shares Npgsql's pool: connections the restart cut may still sit in it.
        Npgsql.NpgsqlConnection.ClearAllPools();
        var rows = await TrackerDatabase.QueryAsync<(long Id, long Attempts, long DecisionCount)>(server.ConnectionString,
            "SELECT id, attempts, decision_count FROM photos WHERE project_id = @projectId ORDER BY id", new { projectId });
        Assert.Equal(3, rows.Count);
        Assert.All(rows, row => Assert.Equal((1L, 1L), (row.Attempts, row.DecisionCount)));
    }
}
