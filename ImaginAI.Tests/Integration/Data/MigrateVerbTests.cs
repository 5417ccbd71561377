using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using ImaginAI.Tests.Integration.Accounts;
using ImaginAI.Tests.Integration.Webhooks;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ImaginAI.Tests.Integration.Data;

/// <summary>
/// The <c>migrate</c> verb, run as the built program, on a SQLite install the real app filled with every kind of row
/// (accounts, tokens, a browser session, membership, projects, milestones, photos decided and deleted, vectors, a
/// manager's correction, a paused queue, webhook subscriptions and deliveries, the audit trail), into a PostgreSQL
/// database of its own. Runs once, in the SQLite pass of .ci/run: it builds the SQLite install whatever the suite's
/// provider.
/// </summary>
[Trait("Database", "own")]
public sealed class MigrateVerbTests
{
    private static readonly string[] Filled =
    [
        "users", "api_tokens", "browser_sessions", "project_members", "audit_log", "projects", "milestones", "photos",
        "embeddings", "match_examples", "job_controls", "webhook_subscriptions", "webhook_deliveries",
    ];

    [Fact]
    public async Task Migrate_SqliteInstallWithEveryKindOfRow_CopiesAllResumesAfterAStopAndRefusesATargetInUse()
    {
        if (TestDatabase.ServerOrNull() is null) return;
        var dataDirectory = Path.Combine(Path.GetTempPath(), "imaginai-tests", "migrate-" + Guid.NewGuid().ToString("N"));
        var target = TestDatabase.CreateFor(dataDirectory + "-target");
        var occupied = TestDatabase.CreateFor(dataDirectory + "-occupied");
        try
        {
            var (projectId, field) = await FillSqliteInstallAsync(dataDirectory);
            var sqlite = Path.Combine(dataDirectory, "tracker.db");
            foreach (var table in Filled)
                Assert.True(await TrackerDatabase.ScalarAsync<long>(sqlite, $"SELECT COUNT(*) FROM {table}") > 0, $"the install has no {table} row");

            // Stopped part-way (as an interruption would leave it), then run again: it continues and verifies.
            var stopped = await RunVerbAsync(dataDirectory, "migrate", "--to", "postgres", target, "--batch", "3", "--max-batches", "6");
            Assert.Equal(3, stopped.ExitCode);
            Assert.Contains("run the same command again", stopped.Output);
            Assert.Contains("rows", stopped.Output); // the progress bar
            var resumed = await RunVerbAsync(dataDirectory, "migrate", "--to", "postgres", target, "--batch", "3");
            Assert.True(resumed.ExitCode == 0, resumed.Output);
            Assert.Contains("Resuming the copy", resumed.Output);
            Assert.Contains("(equal)", resumed.Output);

            foreach (var table in Filled)
                Assert.Equal(await TrackerDatabase.ScalarAsync<long>(sqlite, $"SELECT COUNT(*) FROM {table}"),
                    await TrackerDatabase.ScalarAsync<long>(target, $"SELECT COUNT(*) FROM {table}"));
            const string photoRows = "SELECT id, sha256, status, milestone_id, matched_photo_id, decision_count, deleted_at FROM photos ORDER BY id";
            Assert.Equal(await TrackerDatabase.QueryAsync<(long, string, string, long?, long?, long, string?)>(sqlite, photoRows),
                await TrackerDatabase.QueryAsync<(long, string, string, long?, long?, long, string?)>(target, photoRows));
            Assert.True(await TrackerDatabase.ScalarAsync<long>(target, "SELECT COUNT(*) FROM photos WHERE matched_photo_id IS NOT NULL") > 0);

            // A finished copy is not copied over again; a database already in use is refused; neither is changed.
            var again = await RunVerbAsync(dataDirectory, "migrate", "--to", "postgres", target);
            Assert.Equal(1, again.ExitCode);
            Assert.Contains("already holds a finished copy", again.Output);
            await UseDatabaseAsync(occupied, dataDirectory);
            var refused = await RunVerbAsync(dataDirectory, "migrate", "--to", "postgres", occupied);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("is not empty", refused.Output);
            Assert.Equal(1, await TrackerDatabase.ScalarAsync<long>(occupied, "SELECT COUNT(*) FROM users"));

            // The tracker on the copy: the field worker's token from before still works, and a new photo takes a new id.
            await using var moved = TrackerApp.Create(dataDirectory: dataDirectory, settings: new()
            {
                ["Database:Provider"] = "postgres", ["ConnectionStrings:Postgres"] = target, ["Admin:Email"] = "", ["Admin:Password"] = "",
            });
            using var worker = moved.CreateClientWithToken(field.Token);
            var timeline = await worker.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}/timeline");
            Assert.NotEqual(0, timeline.GetProperty("milestones").GetArrayLength());
            var newId = await moved.UploadOneAsync(projectId, "after-the-move.jpg", RealPhotos.Read("GreenMeadow.jpg"), client: worker);
            Assert.True(newId > await TrackerDatabase.ScalarAsync<long>(sqlite, "SELECT MAX(id) FROM photos"));
            Assert.Contains((await moved.WaitUntilDecidedAsync(newId, client: worker)).GetProperty("status").GetString(), new[] { "matched", "unmatched" });
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var directory in new[] { dataDirectory, dataDirectory + "-target", dataDirectory + "-occupied" })
                TestDatabase.DropFor(directory, always: true);
            if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true);
        }
    }

    /// <summary>Uses the real app on SQLite the way a site team would, leaving a row in every table.</summary>
    private static async Task<(long ProjectId, TestUser Field)> FillSqliteInstallAsync(string dataDirectory)
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        await using var app = TrackerApp.Create(dataDirectory: dataDirectory, settings: new()
        {
            ["Database:Provider"] = "sqlite",
            ["Webhooks:AllowLoopback"] = "true",
            ["Webhooks:IntervalSeconds"] = "1",
        });
        var team = await app.CreateTeamAsync("Migrated site");
        var admin = app.CreateClient();
        var foundations = await app.AddMilestoneAsync(team.ProjectId, "Foundations", admin);
        var roof = await app.AddMilestoneAsync(team.ProjectId, "Roof", admin);
        (await admin.PostAsJsonAsync($"/api/projects/{team.ProjectId}/webhooks", new { url = receiver.Url.ToString(), events = new[] { "photo.matched", "photo.needs_review" } }))
            .EnsureSuccessStatusCode();
        await app.UploadOneAsync(team.ProjectId, "garden.jpg", RealPhotos.Read("Garden.jpg"), foundations, admin);
        await app.UploadOneAsync(team.ProjectId, "dune.jpg", RealPhotos.Read("Dune.jpg"), roof, admin);
        using var worker = app.CreateClientWithToken(team.Field.Token);
        var site = new List<long>();
        foreach (var name in new[] { "Garden.jpg", "LadyBird.jpg", "Storm.jpg" })
            site.Add(await app.UploadOneAsync(team.ProjectId, "site-" + name, RealPhotos.Read(name), client: worker));
        foreach (var id in site) await app.WaitUntilDecidedAsync(id, client: admin);
        // A manager's correction (a calibration example), a deleted photo, a queue paused and resumed.
        (await admin.PutAsJsonAsync($"/api/photos/{site[1]}/milestone", new { milestoneId = roof })).EnsureSuccessStatusCode();
        (await admin.DeleteAsync($"/api/photos/{site[2]}")).EnsureSuccessStatusCode();
        (await admin.PostAsync("/api/admin/jobs/embedding/pause", null)).EnsureSuccessStatusCode();
        (await admin.PostAsync("/api/admin/jobs/embedding/resume", null)).EnsureSuccessStatusCode();
        using var browser = await app.SignInWithCookieAsync(team.Manager.Email, team.Manager.Password);
        await receiver.WaitForAsync(r => r.Count > 0);
        return (team.ProjectId, team.Field);
    }

    /// <summary>A PostgreSQL database someone already started the tracker on: the schema and an account.</summary>
    private static async Task UseDatabaseAsync(string connectionString, string dataDirectory)
    {
        using var db = new TrackerDb(Options.Create(new StorageOptions { DataDirectory = dataDirectory }),
            Options.Create(new DatabaseOptions { Provider = DatabaseOptions.Postgres, PostgresConnectionString = connectionString }));
        await DatabaseMigrator.MigrateAsync(db, NullLogger.Instance);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.ExecuteAsync("""
            INSERT INTO users (email, password_hash, role, security_stamp, created_at)
            VALUES ('someone@else.test', 'x', 'admin', 'x', '2026-11-27T00:00:00.000Z')
            """);
    }

    private static async Task<(int ExitCode, string Output)> RunVerbAsync(string dataDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [TrackerProcess.TrackerDll, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["Storage__DataDirectory"] = dataDirectory;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
