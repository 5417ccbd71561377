using System.Net;
using System.Text.RegularExpressions;
using ImaginAI.Tests.Integration.Accounts;
using ImaginAI.Tests.Integration.Search;
using ImaginAI.Tracker.Accounts;
using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.Operations;

/// <summary>
/// Alone, after the parallel tests: OpenTelemetry listens to meters by name across the whole process, so another
/// test's app alive at the same time would add its own photo counts to this app's scrape. A real server is one app.
/// </summary>
[CollectionDefinition(nameof(MetricsTests), DisableParallelization = true)]
public sealed class MetricsCollection;

[Collection(nameof(MetricsTests))]
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_Enabled_PrometheusScrapeShowsQueueDecisionsSearchAndLiveConnections()
    {
        await using var app = TrackerApp.Create(settings: new() { ["Metrics:Enabled"] = "true" });
        var admin = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Metered", admin)).GetProperty("id").GetInt64();
        var milestone = await app.AddMilestoneAsync(projectId, "Planted", admin);
        var reference = await app.UploadOneAsync(projectId, "garden.jpg", RealPhotos.Read("Garden.jpg"), milestone, admin);
        var other = await app.UploadOneAsync(projectId, "dune.jpg", RealPhotos.Read("Dune.jpg"), client: admin);
        await app.WaitUntilDecidedAsync(reference, client: admin);
        await app.WaitUntilDecidedAsync(other, client: admin);
        (await admin.PostAsync("/api/search", SearchScenario.Query(RealPhotos.Read("Garden.jpg")))).EnsureSuccessStatusCode();
        await using var watcher = app.CreateHubConnection();
        await watcher.StartAsync();

        using var anonymous = await app.CreateBrowserClient().GetAsync("/metrics");
        var field = await app.CreateUserAsync(Roles.Field);
        using var notAdmin = await app.CreateClientWithToken(field.Token).GetAsync("/metrics");
        // The embedding job records a photo's duration just after storing it, so matching may already have decided it;
        // and the exporter may answer from its short response cache. Scrape again until both have caught up.
        var embedded = new Regex("""^imaginai_embedding_duration_seconds_count(\{[^}]*\})? 2\b""", RegexOptions.Multiline);
        var unmatchedPhotos = new Regex("""^imaginai_photos\{[^}]*status="unmatched"[^}]*\} 1\b""", RegexOptions.Multiline);
        // The matching job likewise counts its decision just after committing it.
        var matched = new Regex("""^imaginai_matching_duration_seconds_count(\{[^}]*\})? 2\b""", RegexOptions.Multiline);
        var decidedUnmatched = new Regex("""^imaginai_decisions_total\{[^}]*status="unmatched"[^}]*\} 1\b""", RegexOptions.Multiline);
        bool CaughtUp(string text) => embedded.IsMatch(text) && unmatchedPhotos.IsMatch(text) && matched.IsMatch(text) && decidedUnmatched.IsMatch(text);
        var scrape = await admin.GetStringAsync("/metrics");
        for (var tries = 0; tries < 60 && !CaughtUp(scrape); tries++)
        {
            await Task.Delay(500);
            scrape = await admin.GetStringAsync("/metrics");
        }

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        Assert.Matches(unmatchedPhotos, scrape);
        Assert.Matches(new Regex("""^imaginai_photos\{[^}]*status="failed"[^}]*\} 0\b""", RegexOptions.Multiline), scrape);
        Assert.Matches(new Regex("""^imaginai_queue_oldest_age_seconds(\{[^}]*\})? 0\b""", RegexOptions.Multiline), scrape);
        Assert.Matches(new Regex("""^imaginai_embedding_duration_seconds_count(\{[^}]*\})? 2\b""", RegexOptions.Multiline), scrape);
        Assert.Matches(new Regex("""^imaginai_embedding_duration_seconds_bucket\{[^}]*le="0.5"[^}]*\}""", RegexOptions.Multiline), scrape);
        Assert.Matches(matched, scrape);
        // The reference photo keeps its uploader's milestone; the other is decided on its scores.
        Assert.Matches(new Regex("""^imaginai_decisions_total\{[^}]*basis="reference"[^}]*status="matched"[^}]*\} 1\b""", RegexOptions.Multiline), scrape);
        Assert.Matches(decidedUnmatched, scrape);
        Assert.Matches(new Regex("""^http_server_request_duration_seconds_count\{[^}]*http_route="/api/search"[^}]*\} 1\b""", RegexOptions.Multiline), scrape);
        Assert.Matches(new Regex("""^signalr_server_active_connections(\{[^}]*\})? 1\b""", RegexOptions.Multiline), scrape);
    }

    [Fact]
    public async Task Metrics_NotEnabled_IsNotServed()
    {
        await using var app = TrackerApp.Create();

        using var response = await app.CreateClient().GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
