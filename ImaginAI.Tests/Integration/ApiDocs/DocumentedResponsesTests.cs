using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Integration.Accounts;
using ImaginAI.Tests.Integration.Operations;
using ImaginAI.Tests.Integration.Search;
using ImaginAI.Tests.Integration.Webhooks;
using ImaginAI.Tests.Support;
using SkiaSharp;

namespace ImaginAI.Tests.Integration.ApiDocs;

/// <summary>
/// Every response the OpenAPI document declares is produced by the app: each (operation, status) has a request here
/// that gets exactly that status, and a documented response without one fails the test, as an endpoint without a
/// row fails the authorization matrix. 401 is asked anonymously and 404 with ids that do not exist, for every
/// operation that declares them; the rest are listed one by one.
/// </summary>
public sealed class DocumentedResponsesTests
{
    private sealed record Ids(long ProjectId, long MilestoneId, long SpareMilestoneId, long PhotoId, long FailedPhotoId, long WebhookId, long DeliveryId, string Queue);

    private static readonly Ids Missing = new(999999, 999999, 999999, 999999, 999999, 999999, 999999, "thumbnails");

    /// <summary>The request of each operation; a 2xx with the world's ids, 401 without credentials, 404 with <see cref="Missing"/>.</summary>
    private static readonly Dictionary<string, Func<World, HttpClient, Ids, Task<HttpResponseMessage>>> Requests = new()
    {
        // First, while the photo is still failed (the project's and the admin's "retry failed" below requeue it too).
        ["POST /api/photos/{photoId}/retry"] = (_, c, i) => c.PostAsync($"/api/photos/{i.FailedPhotoId}/retry", null),
        ["GET /api/projects"] = (_, c, _) => c.GetAsync("/api/projects"),
        ["POST /api/projects"] = (_, c, _) => c.PostAsJsonAsync("/api/projects", new { name = "Another" }),
        ["GET /api/projects/{projectId}"] = (_, c, i) => c.GetAsync($"/api/projects/{i.ProjectId}"),
        ["PATCH /api/projects/{projectId}"] = (_, c, i) => c.PatchAsJsonAsync($"/api/projects/{i.ProjectId}", new { description = "Patched" }),
        ["GET /api/projects/{projectId}/milestones"] = (_, c, i) => c.GetAsync($"/api/projects/{i.ProjectId}/milestones"),
        ["POST /api/projects/{projectId}/milestones"] = (_, c, i) => c.PostAsJsonAsync($"/api/projects/{i.ProjectId}/milestones", new { name = "Roof" }),
        ["POST /api/projects/{projectId}/photos"] = (w, c, i) => w.App.UploadAsync(i.ProjectId, [("site.jpg", TestImages.QuadrantsJpeg(641, 479))], client: c),
        ["POST /api/search"] = (_, c, i) => c.PostAsync("/api/search", SearchScenario.Query(TestImages.QuadrantsJpeg(640, 480), ("projectId", i.ProjectId.ToString()))),
        ["GET /api/projects/{projectId}/timeline"] = (_, c, i) => c.GetAsync($"/api/projects/{i.ProjectId}/timeline"),
        ["POST /api/projects/{projectId}/retry-failed"] = (_, c, i) => c.PostAsync($"/api/projects/{i.ProjectId}/retry-failed", null),
        ["GET /api/photos/{photoId}"] = (_, c, i) => c.GetAsync($"/api/photos/{i.PhotoId}"),
        ["GET /api/photos/{photoId}/thumbnail"] = (_, c, i) => c.GetAsync($"/api/photos/{i.PhotoId}/thumbnail"),
        ["GET /api/photos/{photoId}/file"] = (_, c, i) => c.GetAsync($"/api/photos/{i.PhotoId}/file"),
        ["GET /api/photos/{photoId}/decisions"] = (_, c, i) => c.GetAsync($"/api/photos/{i.PhotoId}/decisions"),
        ["PUT /api/photos/{photoId}/milestone"] = (_, c, i) => c.PutAsJsonAsync($"/api/photos/{i.PhotoId}/milestone", new { milestoneId = i.MilestoneId }),
        ["GET /api/photos/{photoId}/compare/{otherId}"] = (_, c, i) => c.GetAsync($"/api/photos/{i.PhotoId}/compare/{i.PhotoId}"),
        ["GET /api/photos/{photoId}/compare/{otherId}/aligned.jpg"] = (_, c, i) => c.GetAsync($"/api/photos/{i.PhotoId}/compare/{i.PhotoId}/aligned.jpg"),
        ["GET /api/photos/{photoId}/compare/{otherId}/changes"] = (_, c, i) => c.GetAsync($"/api/photos/{i.PhotoId}/compare/{i.PhotoId}/changes"),
        ["GET /api/photos/{photoId}/compare/{otherId}/changes.png"] = (_, c, i) => c.GetAsync($"/api/photos/{i.PhotoId}/compare/{i.PhotoId}/changes.png"),
        ["GET /api/photos/{photoId}/timelapse"] = (_, c, i) => c.GetAsync($"/api/photos/{i.PhotoId}/timelapse"),
        ["POST /api/photos/{photoId}/timelapse"] = (_, c, i) => c.PostAsync($"/api/photos/{i.PhotoId}/timelapse", null),
        ["GET /api/photos/{photoId}/timelapse/frames/{frameId}"] = async (w, c, i) =>
            await c.GetAsync($"/api/photos/{await TimelapseReadyAsync(w, i)}/timelapse/frames/{i.PhotoId}"),
        ["GET /api/photos/{photoId}/timelapse/video"] = async (w, c, i) => await c.GetAsync($"/api/photos/{await TimelapseReadyAsync(w, i)}/timelapse/video"),
        ["GET /api/photos/{photoId}/timelapse/frames.zip"] = async (w, c, i) => await c.GetAsync($"/api/photos/{await TimelapseReadyAsync(w, i)}/timelapse/frames.zip"),
        ["GET /api/projects/{projectId}/calibration"] = (_, c, i) => c.GetAsync($"/api/projects/{i.ProjectId}/calibration"),
        ["POST /api/projects/{projectId}/redecide"] = (_, c, i) => c.PostAsync($"/api/projects/{i.ProjectId}/redecide", null),
        ["GET /api/admin/jobs"] = (_, c, _) => c.GetAsync("/api/admin/jobs"),
        ["POST /api/admin/jobs/{queue}/pause"] = (_, c, i) => c.PostAsync($"/api/admin/jobs/{i.Queue}/pause", null),
        ["POST /api/admin/jobs/{queue}/resume"] = (_, c, i) => c.PostAsync($"/api/admin/jobs/{i.Queue}/resume", null),
        ["POST /api/admin/jobs/retry-failed"] = (_, c, _) => c.PostAsync("/api/admin/jobs/retry-failed", null),
        ["POST /api/admin/jobs/projects/{projectId}/reembed"] = (_, c, i) => c.PostAsync($"/api/admin/jobs/projects/{i.ProjectId}/reembed", null),
        ["GET /api/projects/{projectId}/webhooks"] = (_, c, i) => c.GetAsync($"/api/projects/{i.ProjectId}/webhooks"),
        ["POST /api/projects/{projectId}/webhooks"] = (w, c, i) => c.PostAsJsonAsync($"/api/projects/{i.ProjectId}/webhooks",
            new { url = w.Receiver.Url.ToString(), events = new[] { "photo.failed" } }),
        ["GET /api/projects/{projectId}/webhooks/{webhookId}/deliveries"] = (_, c, i) => c.GetAsync($"/api/projects/{i.ProjectId}/webhooks/{i.WebhookId}/deliveries"),
        ["POST /api/projects/{projectId}/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver"] = (_, c, i) =>
            c.PostAsync($"/api/projects/{i.ProjectId}/webhooks/{i.WebhookId}/deliveries/{i.DeliveryId}/redeliver", null),
        ["DELETE /api/projects/{projectId}/webhooks/{webhookId}"] = (_, c, i) => c.DeleteAsync($"/api/projects/{i.ProjectId}/webhooks/{i.WebhookId}"),
        ["PATCH /api/projects/{projectId}/milestones/{milestoneId}"] = (_, c, i) =>
            c.PatchAsJsonAsync($"/api/projects/{i.ProjectId}/milestones/{i.MilestoneId}", new { name = "Footings", dueDate = "2026-12-31" }),
        ["PUT /api/projects/{projectId}/milestones/order"] = async (w, c, i) =>
            await c.PutAsJsonAsync($"/api/projects/{i.ProjectId}/milestones/order", new { milestoneIds = (await MilestoneIdsAsync(w, i.ProjectId)).Reverse() }),
        ["DELETE /api/projects/{projectId}/milestones/{milestoneId}"] = (_, c, i) => c.DeleteAsync($"/api/projects/{i.ProjectId}/milestones/{i.SpareMilestoneId}"),
        ["POST /api/projects/{projectId}/photos/milestone"] = (_, c, i) =>
            c.PostAsJsonAsync($"/api/projects/{i.ProjectId}/photos/milestone", new { photoIds = new[] { i.PhotoId }, milestoneId = i.MilestoneId }),
        // Deleted and at once restored, so the requests after these still find the photo.
        ["DELETE /api/photos/{photoId}"] = (_, c, i) => c.DeleteAsync($"/api/photos/{i.PhotoId}"),
        ["POST /api/photos/{photoId}/restore"] = (_, c, i) => c.PostAsync($"/api/photos/{i.PhotoId}/restore", null),
        // Archived and at once unarchived: an archived project refuses every other change.
        ["POST /api/projects/{projectId}/archive"] = (_, c, i) => c.PostAsync($"/api/projects/{i.ProjectId}/archive", null),
        ["POST /api/projects/{projectId}/unarchive"] = (_, c, i) => c.PostAsync($"/api/projects/{i.ProjectId}/unarchive", null),
        ["GET /api/projects/{projectId}/report.pdf"] = (_, c, i) => c.GetAsync($"/api/projects/{i.ProjectId}/report.pdf"),
        ["GET /api/projects/{projectId}/export.zip"] = (_, c, i) => c.GetAsync($"/api/projects/{i.ProjectId}/export.zip"),
        ["GET /api/projects/{projectId}/locations"] = (_, c, i) => c.GetAsync($"/api/projects/{i.ProjectId}/locations"),
        // Before the sign-in: its 429 needs the attempts within one minute, and each request between them delays it.
        ["PATCH /api/photos/{photoId}"] = (_, c, i) => c.PatchAsJsonAsync($"/api/photos/{i.PhotoId}", new { note = "North wall", tags = new[] { "wall" } }),
        ["GET /api/projects/{projectId}/tags"] = (_, c, i) => c.GetAsync($"/api/projects/{i.ProjectId}/tags?prefix=w"),
        ["GET /api/projects/{projectId}/uploaders"] = (_, c, i) => c.GetAsync($"/api/projects/{i.ProjectId}/uploaders"),
        ["GET /api/projects/{projectId}/photos"] = (_, c, i) => c.GetAsync($"/api/projects/{i.ProjectId}/photos?tag=wall&status=review"),
        ["GET /api/photos/{photoId}/comments"] = (_, c, i) => c.GetAsync($"/api/photos/{i.PhotoId}/comments"),
        ["POST /api/photos/{photoId}/comments"] = (_, c, i) => c.PostAsJsonAsync($"/api/photos/{i.PhotoId}/comments", new { body = "Looks done" }),
        ["DELETE /api/photos/{photoId}/comments/{commentId}"] = async (w, c, i) =>
            await c.DeleteAsync($"/api/photos/{i.PhotoId}/comments/{await CommentIdAsync(w, i.PhotoId)}"),
        ["POST /api/auth/token"] = (_, c, _) => c.PostAsJsonAsync("/api/auth/token", new { email = TrackerApp.AdminEmail, password = TrackerApp.AdminPassword }),
    };

    /// <summary>The documented answers that need a request of their own, in the order they are sent.</summary>
    private static readonly (string Operation, int Status, Func<World, Task<HttpResponseMessage>> Send)[] Specific =
    [
        ("POST /api/projects", 400, w => w.Admin.PostAsJsonAsync("/api/projects", new { name = "" })),
        ("PATCH /api/projects/{projectId}", 400, w => w.Admin.PatchAsJsonAsync($"/api/projects/{w.Ids.ProjectId}", new { matchThreshold = 5 })),
        ("POST /api/projects/{projectId}/milestones", 400, w => w.Admin.PostAsJsonAsync($"/api/projects/{w.Ids.ProjectId}/milestones", new { name = "" })),
        ("POST /api/projects/{projectId}/photos", 400, w => w.Admin.PostAsync($"/api/projects/{w.Ids.ProjectId}/photos",
            new MultipartFormDataContent { { new StringContent("a note"), "note" } })),
        ("POST /api/projects/{projectId}/photos", 413, w => w.App.UploadAsync(w.Ids.ProjectId, [("huge.jpg", TooBig())], client: w.Admin)),
        ("POST /api/projects/{projectId}/photos", 415, w => w.Admin.PostAsJsonAsync($"/api/projects/{w.Ids.ProjectId}/photos", new { files = "none" })),
        ("POST /api/projects/{projectId}/photos", 422, w => w.App.UploadAsync(w.Ids.ProjectId, [("notes.jpg", "not a photo at all"u8.ToArray())], client: w.Admin)),
        ("POST /api/search", 400, w => w.Admin.PostAsJsonAsync("/api/search", new { })),
        ("POST /api/search", 404, w => w.Admin.PostAsync("/api/search", SearchScenario.Query(TestImages.QuadrantsJpeg(640, 480), ("projectId", "999999")))),
        ("POST /api/search", 413, w => w.Admin.PostAsync("/api/search", SearchScenario.Query(TooBig()))),
        ("POST /api/search", 503, w => w.WithoutModel.CreateClient().PostAsync("/api/search", SearchScenario.Query(TestImages.QuadrantsJpeg(640, 480)))),
        ("GET /api/photos/{photoId}/thumbnail", 422, w => w.Admin.GetAsync($"/api/photos/{w.BrokenPhotoId}/thumbnail")),
        ("PUT /api/photos/{photoId}/milestone", 400, w => w.Admin.PutAsJsonAsync($"/api/photos/{w.Ids.PhotoId}/milestone", new { milestoneId = 999999 })),
        ("PATCH /api/projects/{projectId}/milestones/{milestoneId}", 400, w => w.Admin.PatchAsJsonAsync(
            $"/api/projects/{w.Ids.ProjectId}/milestones/{w.Ids.MilestoneId}", new { dueDate = "next Friday" })),
        ("PUT /api/projects/{projectId}/milestones/order", 400, w => w.Admin.PutAsJsonAsync(
            $"/api/projects/{w.Ids.ProjectId}/milestones/order", new { milestoneIds = new[] { w.Ids.MilestoneId } })),
        ("POST /api/projects/{projectId}/photos/milestone", 400, w => w.Admin.PostAsJsonAsync(
            $"/api/projects/{w.Ids.ProjectId}/photos/milestone", new { photoIds = Array.Empty<long>(), milestoneId = w.Ids.MilestoneId })),
        ("POST /api/photos/{photoId}/restore", 409, w => w.Admin.PostAsync($"/api/photos/{w.Ids.PhotoId}/restore", null)),
        ("DELETE /api/photos/{photoId}", 409, async w =>
        {
            (await w.Admin.DeleteAsync($"/api/photos/{w.Ids.PhotoId}")).Dispose();
            var again = await w.Admin.DeleteAsync($"/api/photos/{w.Ids.PhotoId}");
            (await w.Admin.PostAsync($"/api/photos/{w.Ids.PhotoId}/restore", null)).Dispose();
            return again;
        }),
        ("POST /api/photos/{photoId}/retry", 409, w => w.Admin.PostAsync($"/api/photos/{w.Ids.PhotoId}/retry", null)),
        ("POST /api/projects/{projectId}/webhooks", 400, w => w.Admin.PostAsJsonAsync($"/api/projects/{w.Ids.ProjectId}/webhooks",
            new { url = "http://example.com/hook", events = new[] { "photo.failed" } })),
        ("GET /api/projects/{projectId}/report.pdf", 400, w => w.Admin.GetAsync($"/api/projects/{w.Ids.ProjectId}/report.pdf?from=2026-12-01&to=2026-11-01")),
        // An app whose report fonts are missing says so instead of failing.
        ("GET /api/projects/{projectId}/report.pdf", 503, async w =>
        {
            var admin = w.WithoutModel.CreateClient();
            var projectId = (await w.WithoutModel.CreateProjectAsync("No fonts", admin)).GetProperty("id").GetInt64();
            return await admin.GetAsync($"/api/projects/{projectId}/report.pdf");
        }),
        ("GET /api/projects/{projectId}/export.zip", 400, w => w.Admin.GetAsync($"/api/projects/{w.Ids.ProjectId}/export.zip?status=lost")),
        ("PATCH /api/photos/{photoId}", 400, w => w.Admin.PatchAsJsonAsync($"/api/photos/{w.Ids.PhotoId}", new { tags = new[] { new string('x', 41) } })),
        ("PATCH /api/photos/{photoId}", 403, async w => await (await w.FieldMemberAsync()).PatchAsJsonAsync($"/api/photos/{w.Ids.PhotoId}", new { note = "mine now" })),
        ("GET /api/projects/{projectId}/photos", 400, w => w.Admin.GetAsync($"/api/projects/{w.Ids.ProjectId}/photos?from=yesterday")),
        ("POST /api/photos/{photoId}/comments", 400, w => w.Admin.PostAsJsonAsync($"/api/photos/{w.Ids.PhotoId}/comments", new { body = " " })),
        ("DELETE /api/photos/{photoId}/comments/{commentId}", 403, async w =>
            await (await w.FieldMemberAsync()).DeleteAsync($"/api/photos/{w.Ids.PhotoId}/comments/{await CommentIdAsync(w, w.Ids.PhotoId)}")),
        ("POST /api/auth/token", 400, w => w.Anonymous.PostAsJsonAsync("/api/auth/token", new { email = "" })),
        ("POST /api/auth/token", 401, w => w.Anonymous.PostAsJsonAsync("/api/auth/token", new { email = TrackerApp.AdminEmail, password = "wrong password" })),
        // Attempts until the limit (3 a minute here) answers: a window that turns over between the earlier attempts
        // on a slow machine lets one more through, so a fixed count of attempts could fall short.
        ("POST /api/auth/token", 429, async w =>
        {
            for (var attempt = 1; ; attempt++)
            {
                var response = await w.Anonymous.PostAsJsonAsync("/api/auth/token", new { email = TrackerApp.AdminEmail, password = "wrong password" });
                if ((int)response.StatusCode == 429 || attempt == 10) return response;
                response.Dispose();
            }
        }),
    ];

    /// <summary>Responses produced by a test of their own, which needs a server of its own (and asserts they are documented).</summary>
    internal static readonly (string Operation, int Status, string Test)[] ProducedElsewhere =
    [
        ("POST /api/search", 429, nameof(Search.SearchConcurrencyTests)),
    ];

    [Fact]
    public async Task EveryDocumentedResponse_IsProducedByARequest()
    {
        await using var world = await World.CreateAsync();
        var document = await OpenApiDocumentTests.ReadDocumentAsync(world.Admin);
        var documented = OpenApiDocumentTests.Operations(document)
            .SelectMany(o => o.Operation.GetProperty("responses").EnumerateObject().Select(r => (Operation: $"{o.Method} {o.Path}", Status: int.Parse(r.Name))))
            .ToHashSet();
        var planned = new List<(string Operation, int Status, Func<Task<HttpResponseMessage>> Send)>();
        foreach (var (operation, send) in Requests)
        {
            var success = documented.Single(d => d.Operation == operation && d.Status is >= 200 and < 300).Status;
            planned.Add((operation, success, () => send(world, world.Admin, world.Ids)));
            if (documented.Contains((operation, 401)) && operation != "POST /api/auth/token")
                planned.Add((operation, 401, () => send(world, world.Anonymous, world.Ids)));
            if (documented.Contains((operation, 404)) && operation != "POST /api/search")
                planned.Add((operation, 404, () => send(world, world.Admin, Missing)));
        }
        planned.AddRange(Specific.Select(s => (s.Operation, s.Status, (Func<Task<HttpResponseMessage>>)(() => s.Send(world)))));
        // 409 from the archived-project rule: every change naming the project or its photos, sent once it is archived.
        var archivedChanges = Requests.Where(r => documented.Contains((r.Key, 409)) && !Specific.Any(s => s.Operation == r.Key && s.Status == 409))
            .Select(r => (Operation: r.Key, Send: (Func<Task<HttpResponseMessage>>)(() => r.Value(world, world.Admin, world.Ids)))).ToList();

        var unplanned = documented.Except(planned.Select(p => (p.Operation, p.Status)))
            .Except(archivedChanges.Select(a => (a.Operation, 409)))
            .Except(ProducedElsewhere.Select(e => (e.Operation, e.Status))).ToList();
        var undocumented = planned.Select(p => (p.Operation, p.Status)).Except(documented).ToList();
        Assert.True(unplanned.Count == 0, "Documented responses no request here produces (add one): " + string.Join(", ", unplanned));
        Assert.True(undocumented.Count == 0, "Requests for responses the document does not declare: " + string.Join(", ", undocumented));

        var failures = new List<string>();
        foreach (var (operation, status, send) in planned)
        {
            using var response = await send();
            if ((int)response.StatusCode != status)
                failures.Add($"{operation}: expected {status}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        (await world.Admin.PostAsync($"/api/projects/{world.Ids.ProjectId}/archive", null)).EnsureSuccessStatusCode();
        foreach (var (operation, send) in archivedChanges)
        {
            using var response = await send();
            var body = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode != 409 || !body.Contains("archived"))
                failures.Add($"{operation} on an archived project: expected 409, got {(int)response.StatusCode} {body}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>A new comment of the admin's on the photo (an id that does not exist when the photo does not).</summary>
    private static async Task<long> CommentIdAsync(World world, long photoId)
    {
        using var response = await world.Admin.PostAsJsonAsync($"/api/photos/{photoId}/comments", new { body = "To be deleted" });
        if (!response.IsSuccessStatusCode) return 999999;
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    /// <summary>The photo's time-lapse made (as the admin) before it is asked for; the missing photo's id is passed through.</summary>
    private static async Task<long> TimelapseReadyAsync(World world, Ids ids)
    {
        if (ids.PhotoId != Missing.PhotoId) await ImaginAI.Tests.Integration.Timelapse.TimelapseScenario.WaitReadyAsync(world.Admin, ids.PhotoId);
        return ids.PhotoId;
    }

    /// <summary>The project's milestones as they are now (none when it does not exist).</summary>
    private static async Task<long[]> MilestoneIdsAsync(World world, long projectId)
    {
        using var response = await world.Admin.GetAsync($"/api/projects/{projectId}/milestones");
        if (!response.IsSuccessStatusCode) return [];
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(m => m.GetProperty("id").GetInt64()).ToArray();
    }

    /// <summary>A JPEG header followed by more bytes than Storage:MaxUploadBytes (1 MB here).</summary>
    private static byte[] TooBig()
    {
        var bytes = new byte[1_200_000];
        TestImages.QuadrantsJpeg(64, 64).CopyTo(bytes, 0);
        return bytes;
    }

    private sealed class World : IAsyncDisposable
    {
        public required TrackerApp App { get; init; }
        public required TrackerApp WithoutModel { get; init; }
        public required LoopbackReceiver Receiver { get; init; }
        public required HttpClient Admin { get; init; }
        public required HttpClient Anonymous { get; init; }
        public required Ids Ids { get; init; }
        public required long BrokenPhotoId { get; init; }

        public static async Task<World> CreateAsync()
        {
            var receiver = await LoopbackReceiver.StartAsync();
            var app = TrackerApp.Create(settings: new()
            {
                ["Storage:MaxUploadBytes"] = "1000000",
                ["Embedding:MaxAttempts"] = "1",
                ["Accounts:SignInAttemptsPerMinute"] = "3",
                ["Webhooks:AllowLoopback"] = "true",
                ["Webhooks:IntervalSeconds"] = "1",
            });
            var admin = app.CreateClient();
            var projectId = (await app.CreateProjectAsync("Every answer", admin)).GetProperty("id").GetInt64();
            var milestoneId = await app.AddMilestoneAsync(projectId, "Foundations", admin);
            var spareMilestoneId = await app.AddMilestoneAsync(projectId, "Scaffolding", admin);
            using var subscribed = await admin.PostAsJsonAsync($"/api/projects/{projectId}/webhooks",
                new { url = receiver.Url.ToString(), events = new[] { "photo.needs_review", "photo.matched", "photo.failed" } });
            var webhookId = (await subscribed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
            var photoId = await app.UploadOneAsync(projectId, "first.jpg", TestImages.QuadrantsJpeg(800, 600), client: admin);
            await app.WaitUntilDecidedAsync(photoId, client: admin);
            var failedPhotoId = await app.UploadAndFailAsync(projectId, "away.jpg", TestImages.QuadrantsJpeg(700, 500), admin);
            using var bitmap = SKBitmap.Decode(TestImages.QuadrantsJpeg(900, 700));
            var png = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Png, 100).ToArray();
            var brokenPhotoId = await app.UploadOneAsync(projectId, "cut.png", png[..(png.Length / 3)], client: admin);
            await app.WaitForStatusAsync(brokenPhotoId, ["failed"], client: admin);
            await receiver.WaitForAsync(r => r.Count >= 1);
            var deliveryId = (await admin.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}/webhooks/{webhookId}/deliveries"))[0].GetProperty("id").GetInt64();
            return new World
            {
                App = app,
                WithoutModel = TrackerApp.Create(settings: new() { ["Vision:Model"] = "no-such-model", ["Reports:FontDirectory"] = "/no/such/fonts" }),
                Receiver = receiver,
                Admin = admin,
                Anonymous = app.CreateAnonymousClient(),
                Ids = new Ids(projectId, milestoneId, spareMilestoneId, photoId, failedPhotoId, webhookId, deliveryId, "matching"),
                BrokenPhotoId = brokenPhotoId,
            };
        }

        private HttpClient? fieldMember;

        /// <summary>A field member of the project, who uploaded nothing and wrote no comment.</summary>
        public async Task<HttpClient> FieldMemberAsync()
        {
            if (fieldMember is not null) return fieldMember;
            var user = await App.CreateUserAsync(ImaginAI.Tracker.Accounts.Roles.Field);
            await App.AddMemberAsync(Ids.ProjectId, user.Id, ImaginAI.Tracker.Accounts.ProjectRoles.Field);
            return fieldMember = App.CreateClientWithToken(user.Token);
        }

        public async ValueTask DisposeAsync()
        {
            fieldMember?.Dispose();
            await App.DisposeAsync();
            await WithoutModel.DisposeAsync();
            await Receiver.DisposeAsync();
        }
    }
}
