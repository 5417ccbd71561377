using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.Operations;

public sealed class HealthTests(TrackerApp app) : IClassFixture<TrackerApp>
{
    [Theory]
    [InlineData("/health")]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_Anonymous_SaysOnlyUp(string path)
    {
        await app.WaitUntilSchedulerRunsAsync();
        using var anonymous = app.CreateAnonymousClient();

        using var response = await anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"up"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Health_Admin_SeesEveryCheckAndNoUnconfiguredService()
    {
        await app.WaitUntilSchedulerRunsAsync();
        var health = await app.CreateClient().GetFromJsonAsync<JsonElement>("/health");

        Assert.Equal("ok", health.GetProperty("status").GetString());
        var checks = health.GetProperty("checks").EnumerateObject().ToDictionary(c => c.Name, c => c.Value.GetProperty("status").GetString());
        // PostgreSQL, when it holds the data, is the database check: no second check of the same server.
        Assert.Equal(["database", "disk", "model", "queue", "scheduler", "verifier"], checks.Keys.Order());
        Assert.All(checks.Values, status => Assert.Equal("ok", status));
        Assert.Equal(TestDatabase.IsPostgres ? "postgres" : "sqlite",
            health.GetProperty("checks").GetProperty("database").GetProperty("data").GetProperty("provider").GetString());
        Assert.True(health.GetProperty("checks").GetProperty("disk").GetProperty("data").GetProperty("freeMegabytes").GetInt64() > 0);
        Assert.Equal("running", health.GetProperty("checks").GetProperty("scheduler").GetProperty("data").GetProperty("embedding").GetString());
    }

    [Fact]
    public async Task Health_PhotoWaitingLongerThanTheLimit_ReportsAStuckQueueNamingThePhoto()
    {
        await using var stuck = TrackerApp.Create(settings: new() { ["Health:QueueStuckAfterMinutes"] = "30" });
        var admin = stuck.CreateClient();
        (await admin.PostAsync("/api/admin/jobs/embedding/pause", null)).EnsureSuccessStatusCode();
        var projectId = (await stuck.CreateProjectAsync("Stuck queue", admin)).GetProperty("id").GetInt64();
        var photoId = await stuck.UploadOneAsync(projectId, "waiting.jpg", RealPhotos.Read("Garden.jpg"), client: admin);
        // Forty minutes ago, as far as the queue can tell.
        await TrackerDatabase.ExecuteAsync(stuck.DatabasePath, "UPDATE photos SET uploaded_at = @at WHERE id = @id",
            new { id = photoId, at = ImaginAI.Tracker.Data.TrackerDb.Utc(DateTimeOffset.UtcNow.AddMinutes(-40)) });
        await stuck.WaitUntilSchedulerRunsAsync();

        using var response = await admin.GetAsync("/health");
        var health = await response.Content.ReadFromJsonAsync<JsonElement>();
        using var anonymous = await stuck.CreateAnonymousClient().GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        var queue = health.GetProperty("checks").GetProperty("queue");
        Assert.Equal("degraded", queue.GetProperty("status").GetString());
        Assert.Contains($"photo {photoId}", queue.GetProperty("description").GetString());
        Assert.Contains("embedding paused", queue.GetProperty("description").GetString());
        Assert.Equal(photoId, queue.GetProperty("data").GetProperty("oldestWaitingPhotoId").GetInt64());
        Assert.Equal("""{"status":"up"}""", await anonymous.Content.ReadAsStringAsync());

        (await admin.PostAsync("/api/admin/jobs/embedding/resume", null)).EnsureSuccessStatusCode();
        await stuck.WaitUntilDecidedAsync(photoId, client: admin);
        var after = await admin.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("ok", after.GetProperty("checks").GetProperty("queue").GetProperty("status").GetString());
    }

    [Fact]
    public async Task HealthReady_DataDiskBelowTheLimit_Answers503Down()
    {
        await using var full = TrackerApp.Create(settings: new() { ["Health:MinFreeDiskMegabytes"] = "999999999999" });

        using var ready = await full.CreateAnonymousClient().GetAsync("/health/ready");
        using var live = await full.CreateAnonymousClient().GetAsync("/health/live");
        var details = await full.CreateClient().GetAsync("/health/ready");
        var health = await details.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("""{"status":"down"}""", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("unhealthy", health.GetProperty("checks").GetProperty("disk").GetProperty("status").GetString());
        Assert.Contains("below the 999999999999 MB limit", health.GetProperty("checks").GetProperty("disk").GetProperty("description").GetString());
    }

    [Fact]
    public async Task Health_RedisConfiguredButUnreachable_DegradedButStillReady()
    {
        await using var configured = TrackerApp.Create(settings: new()
        {
            // Port 1 on loopback: nothing listens there.
            ["ConnectionStrings:Redis"] = "127.0.0.1:1,connectTimeout=1000,abortConnect=true",
        });
        await configured.WaitUntilSchedulerRunsAsync();

        using var response = await configured.CreateClient().GetAsync("/health");
        var health = await response.Content.ReadFromJsonAsync<JsonElement>();
        using var ready = await configured.CreateAnonymousClient().GetAsync("/health/ready");

        // Uploads and processing go on without Redis; only live events stop, so the node stays in the load balancer.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        var checks = health.GetProperty("checks");
        Assert.Equal("degraded", checks.GetProperty("redis").GetProperty("status").GetString());
        Assert.Equal("ok", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("""{"status":"up"}""", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    [Trait("Database", "own")]
    public async Task Health_PostgresProviderAndRedisReachable_DatabaseCheckIsPostgresAndRedisIsChecked()
    {
        // .ci/run starts both servers on loopback and names them here; a developer without them runs this too only
        // when they set the two variables (CI never leaves it out: it fails when they are missing). It picks its own
        // database whatever the suite's provider, so it runs once, in the SQLite pass (Database=own).
        var postgres = TestDatabase.ServerOrNull();
        var redis = Environment.GetEnvironmentVariable("IMAGINAI_TEST_REDIS");
        if (redis is null) Assert.NotEqual("true", Environment.GetEnvironmentVariable("CI"));
        if (postgres is null || redis is null) return;
        var directory = Path.Combine(Path.GetTempPath(), "imaginai-tests", "health-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var configured = TrackerApp.Create(dataDirectory: directory, settings: new()
            {
                ["Database:Provider"] = "postgres",
                ["ConnectionStrings:Postgres"] = TestDatabase.CreateFor(directory),
                ["ConnectionStrings:Redis"] = redis,
            });
            await configured.WaitUntilSchedulerRunsAsync();

            using var response = await configured.CreateClient().GetAsync("/health");
            var checks = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(["database", "disk", "model", "queue", "redis", "scheduler", "verifier"], checks.EnumerateObject().Select(c => c.Name).Order());
            Assert.Equal("ok", checks.GetProperty("database").GetProperty("status").GetString());
            Assert.Equal("postgres", checks.GetProperty("database").GetProperty("data").GetProperty("provider").GetString());
            Assert.Equal("ok", checks.GetProperty("redis").GetProperty("status").GetString());
        }
        finally
        {
            TestDatabase.DropFor(directory, always: true);
            try { Directory.Delete(directory, recursive: true); }
            catch (IOException) { }
        }
    }
}
