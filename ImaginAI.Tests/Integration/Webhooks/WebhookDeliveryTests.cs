using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ImaginAI.Tests.Support;
using Microsoft.Data.Sqlite;

namespace ImaginAI.Tests.Integration.Webhooks;

/// <summary>Webhooks delivered by the real app to a real receiver on loopback.</summary>
public sealed class WebhookDeliveryTests
{
    private static Dictionary<string, string?> Settings() => new()
    {
        ["Webhooks:AllowLoopback"] = "true",
        ["Webhooks:IntervalSeconds"] = "1",
        ["Webhooks:RetryBackoffSeconds"] = "0.2",
    };

    [Fact]
    public async Task Webhook_ReferenceMatchedThenSitePhotoFiled_DeliversSignedMatchedAndMilestoneReached()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        await using var app = TrackerApp.Create(settings: Settings());
        var admin = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Hooked", admin)).GetProperty("id").GetInt64();
        var milestone = await app.AddMilestoneAsync(projectId, "Planted", admin);
        var created = await SubscribeAsync(admin, projectId, receiver.Url, ["photo.matched", "milestone.reached"]);
        var secret = created.GetProperty("secret").GetString()!;
        var listed = await admin.GetStringAsync($"/api/projects/{projectId}/webhooks");
        Assert.DoesNotContain(secret, listed);

        var reference = await app.UploadOneAsync(projectId, "garden.jpg", RealPhotos.Read("Garden.jpg"), milestone, admin);
        await receiver.WaitForAsync(r => r.Count >= 1);
        // A reference photo does not reach its milestone; the first site photo filed under it does.
        var site = await app.UploadOneAsync(projectId, "site.jpg", RealPhotos.Read("LadyBird.jpg"), client: admin);
        await app.WaitUntilDecidedAsync(site, client: admin);
        (await admin.PutAsJsonAsync($"/api/photos/{site}/milestone", new { milestoneId = milestone })).EnsureSuccessStatusCode();
        var requests = await receiver.WaitForAsync(r => r.Any(x => x.Headers["X-ImaginAI-Event"] == "milestone.reached"));

        Assert.Contains(requests, r => r.Headers["X-ImaginAI-Event"] == "photo.matched"
            && JsonDocument.Parse(r.Body).RootElement.GetProperty("photo").GetProperty("id").GetInt64() == reference);
        Assert.Single(requests, r => r.Headers["X-ImaginAI-Event"] == "milestone.reached");
        foreach (var request in requests)
        {
            var timestamp = request.Headers["X-ImaginAI-Timestamp"];
            var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{request.Body}")));
            Assert.Equal("sha256=" + expected, request.Headers["X-ImaginAI-Signature"]);
            Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(timestamp), 0, 300);
            var body = JsonDocument.Parse(request.Body).RootElement;
            Assert.Equal(request.Headers["X-ImaginAI-Event"], body.GetProperty("event").GetString());
            Assert.Equal(request.Headers["X-ImaginAI-Delivery"], body.GetProperty("id").GetString());
            if (body.GetProperty("event").GetString() == "milestone.reached") Assert.Equal(site, body.GetProperty("photo").GetProperty("id").GetInt64());
            Assert.Equal(milestone, body.GetProperty("photo").GetProperty("milestone").GetProperty("id").GetInt64());
            // A body changed on the way no longer matches its signature.
            var tampered = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{request.Body.Replace("matched", "unmatched")}")));
            Assert.NotEqual("sha256=" + tampered, request.Headers["X-ImaginAI-Signature"]);
        }
    }

    [Fact]
    public async Task Webhook_ReceiverAnswers500Twice_IsRetriedUntilAcceptedAndKeepsTheLastAnswer()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.Answer = so_far => so_far.Count < 2 ? 500 : 200;
        await using var app = TrackerApp.Create(settings: Settings());
        var admin = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Flaky receiver", admin)).GetProperty("id").GetInt64();
        var webhookId = (await SubscribeAsync(admin, projectId, receiver.Url, ["photo.needs_review"])).GetProperty("id").GetInt64();

        await app.UploadOneAsync(projectId, "dune.jpg", RealPhotos.Read("Dune.jpg"), client: admin);
        var requests = await receiver.WaitForAsync(r => r.Any(x => x.AnsweredWith == 200));

        Assert.Equal([500, 500, 200], requests.Select(r => r.AnsweredWith));
        Assert.Single(requests.Select(r => r.Headers["X-ImaginAI-Delivery"]).Distinct());
        var delivery = await WaitForDeliveryAsync(admin, projectId, webhookId, d => d.GetProperty("status").GetString() == "delivered");
        Assert.Equal(3, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(200, delivery.GetProperty("lastStatusCode").GetInt32());
        Assert.Equal("thanks", delivery.GetProperty("lastResponse").GetString());

        using var redelivered = await admin.PostAsync($"/api/projects/{projectId}/webhooks/{webhookId}/deliveries/{delivery.GetProperty("id").GetInt64()}/redeliver", null);
        Assert.Equal(HttpStatusCode.Accepted, redelivered.StatusCode);
        var again = await receiver.WaitForAsync(r => r.Count == 4);
        Assert.Equal(again[0].Headers["X-ImaginAI-Delivery"], again[3].Headers["X-ImaginAI-Delivery"]);
    }

    [Fact]
    public async Task Webhook_AppStoppedWhileADeliveryIsPending_DeliversItOnceAfterTheRestart()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.Answer = _ => 503;
        var dataDirectory = Path.Combine(Path.GetTempPath(), "imaginai-tests", Guid.NewGuid().ToString("N"));
        var settings = Settings();
        settings["Webhooks:RetryBackoffSeconds"] = "2";
        long projectId, webhookId;
        await using (var first = TrackerApp.Create(dataDirectory: dataDirectory, settings: settings))
        {
            var admin = first.CreateClient();
            projectId = (await first.CreateProjectAsync("Restarted", admin)).GetProperty("id").GetInt64();
            webhookId = (await SubscribeAsync(admin, projectId, receiver.Url, ["photo.needs_review"])).GetProperty("id").GetInt64();
            await first.UploadOneAsync(projectId, "storm.jpg", RealPhotos.Read("Storm.jpg"), client: admin);
            await receiver.WaitForAsync(r => r.Count >= 1);
        }
        receiver.Answer = _ => 200;

        // Stopped before its directory is removed: its background jobs may still be writing there.
        await using (var second = TrackerApp.Create(dataDirectory: dataDirectory, settings: settings))
        {
            second.Start();
            await receiver.WaitForAsync(r => r.Any(x => x.AnsweredWith == 200));
            // Long enough for a wrongly repeated send (the back-off is 2 s, the sender runs every second).
            await Task.Delay(TimeSpan.FromSeconds(5));

            Assert.Single(receiver.Requests, r => r.AnsweredWith == 200);
            Assert.Single(receiver.Requests.Select(r => r.Headers["X-ImaginAI-Delivery"]).Distinct());
            Assert.Equal(1, await TrackerDatabase.ScalarAsync<long>(second.DatabasePath, "SELECT COUNT(*) FROM webhook_deliveries"));
            Assert.Equal("delivered", await TrackerDatabase.ScalarAsync<string>(second.DatabasePath, "SELECT status FROM webhook_deliveries"));
        }
        SqliteConnection.ClearAllPools();
        Directory.Delete(dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Webhook_ReceiverRedirects_TheRedirectIsNotFollowed()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        await using var app = TrackerApp.Create(settings: Settings());
        var admin = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Redirected", admin)).GetProperty("id").GetInt64();
        var redirecting = new Uri(receiver.Url, "/redirect");
        var webhookId = (await SubscribeAsync(admin, projectId, redirecting, ["photo.needs_review"])).GetProperty("id").GetInt64();

        await app.UploadOneAsync(projectId, "dune.jpg", RealPhotos.Read("Dune.jpg"), client: admin);
        var delivery = await WaitForDeliveryAsync(admin, projectId, webhookId, d => d.GetProperty("attempts").GetInt32() >= 1 && d.GetProperty("lastStatusCode").ValueKind == JsonValueKind.Number);

        Assert.Equal(302, delivery.GetProperty("lastStatusCode").GetInt32());
        Assert.Equal("pending", delivery.GetProperty("status").GetString());
        Assert.Empty(receiver.Requests);
    }

    [Theory]
    [InlineData("http://example.com/hook", "https only")]
    [InlineData("https://127.0.0.1/hook", "private network")]
    [InlineData("https://localhost/hook", "private network")]
    [InlineData("https://10.1.2.3/hook", "private network")]
    [InlineData("https://[::1]/hook", "private network")]
    [InlineData("https://169.254.169.254/latest/meta-data", "private network")]
    [InlineData("not a url", "full address")]
    public async Task Subscribe_UnsafeUrl_IsRefusedInPlainWords(string url, string words)
    {
        await using var app = TrackerApp.Create();
        var admin = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Careful", admin)).GetProperty("id").GetInt64();

        using var response = await admin.PostAsJsonAsync($"/api/projects/{projectId}/webhooks", new { url, events = new[] { "photo.matched" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(words, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Webhook_StoredUrlResolvingToLoopback_IsRefusedAtConnectTime()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        await using var app = TrackerApp.Create(settings: new() { ["Webhooks:IntervalSeconds"] = "1" });
        var admin = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Rebound", admin)).GetProperty("id").GetInt64();
        // As if the name had resolved to a public address when subscribing and to loopback now (DNS rebinding).
        await TrackerDatabase.ExecuteAsync(app.DatabasePath, """
            INSERT INTO webhook_subscriptions (project_id, url, events, secret, created_at)
            VALUES (@projectId, @url, 'photo.needs_review', 'whsec_test', '2026-11-27T00:00:00.000Z')
            """, new { projectId, url = receiver.Url.ToString().Replace("127.0.0.1", "localhost") });
        var webhookId = await TrackerDatabase.ScalarAsync<long>(app.DatabasePath, "SELECT id FROM webhook_subscriptions");

        await app.UploadOneAsync(projectId, "dune.jpg", RealPhotos.Read("Dune.jpg"), client: admin);
        var delivery = await WaitForDeliveryAsync(admin, projectId, webhookId, d => d.GetProperty("lastError").ValueKind == JsonValueKind.String);

        Assert.Contains("private address", delivery.GetProperty("lastError").GetString());
        Assert.Empty(receiver.Requests);
    }

    private static async Task<JsonElement> SubscribeAsync(HttpClient client, long projectId, Uri url, string[] events)
    {
        using var response = await client.PostAsJsonAsync($"/api/projects/{projectId}/webhooks", new { url = url.ToString(), events });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        Assert.StartsWith("whsec_", body.GetProperty("secret").GetString());
        return body;
    }

    private static async Task<JsonElement> WaitForDeliveryAsync(HttpClient client, long projectId, long webhookId, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var deliveries = await client.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}/webhooks/{webhookId}/deliveries");
            if (deliveries.GetArrayLength() > 0 && condition(deliveries[0])) return deliveries[0];
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Deliveries: " + deliveries);
            await Task.Delay(200);
        }
    }
}
