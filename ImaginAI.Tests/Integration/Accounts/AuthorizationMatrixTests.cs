using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Accounts;
using ImaginAI.Tracker.Timeline;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ImaginAI.Tests.Integration.Accounts;

public enum Who { Anonymous, FieldMember, FieldOutsider, ManagerMember, Admin }

/// <summary>
/// Every endpoint the app maps (read from its EndpointDataSource) and every hub method, against every kind of
/// caller. An endpoint or hub method without a row here fails the test: a new endpoint must state who may use it.
/// </summary>
public sealed class AuthorizationMatrixTests(TrackerApp app) : IClassFixture<TrackerApp>
{
    // Expected statuses in the order of Who: anonymous, field member, field outsider, manager member, admin.
    // API callers use bearer tokens; pages are requested like a browser, with the sign-in cookie (302 = to login).
    private static readonly Dictionary<string, (int[] Expected, Func<Cell, Task<HttpResponseMessage>> Send)> Endpoints = new()
    {
        // Projects and milestones
        ["GET /api/projects"] = ([401, 200, 200, 200, 200], c => c.Api.GetAsync("/api/projects")),
        ["POST /api/projects"] = ([401, 403, 403, 201, 201], c => c.Api.PostAsJsonAsync("/api/projects", new { name = "Matrix " + c.Who })),
        ["GET /api/projects/{projectId:long}"] = ([401, 200, 404, 200, 200], c => c.Api.GetAsync($"/api/projects/{c.ProjectId}")),
        ["PATCH /api/projects/{projectId:long}"] = ([401, 403, 404, 200, 200],
            c => c.Api.PatchAsJsonAsync($"/api/projects/{c.ProjectId}", new { matchThreshold = 0.8 })),
        ["GET /api/projects/{projectId:long}/milestones"] = ([401, 200, 404, 200, 200], c => c.Api.GetAsync($"/api/projects/{c.ProjectId}/milestones")),
        ["POST /api/projects/{projectId:long}/milestones"] = ([401, 403, 404, 201, 201],
            c => c.Api.PostAsJsonAsync($"/api/projects/{c.ProjectId}/milestones", new { name = "Roof by " + c.Who })),
        ["PATCH /api/projects/{projectId:long}/milestones/{milestoneId:long}"] = ([401, 403, 404, 200, 200],
            c => c.Api.PatchAsJsonAsync($"/api/projects/{c.ProjectId}/milestones/{c.MilestoneId}", new { name = "Foundations" })),
        ["PUT /api/projects/{projectId:long}/milestones/order"] = ([401, 403, 404, 200, 200],
            async c => await c.Api.PutAsJsonAsync($"/api/projects/{c.ProjectId}/milestones/order", new { milestoneIds = await c.MilestoneIdsAsync() })),
        ["DELETE /api/projects/{projectId:long}/milestones/{milestoneId:long}"] = ([401, 403, 404, 200, 200],
            async c => await c.Api.DeleteAsync($"/api/projects/{c.ProjectId}/milestones/{await c.SpareMilestoneAsync()}")),
        ["POST /api/projects/{projectId:long}/archive"] = ([401, 403, 404, 200, 200],
            async c => await c.Api.PostAsync($"/api/projects/{await c.SpareProjectAsync()}/archive", null)),
        ["POST /api/projects/{projectId:long}/unarchive"] = ([401, 403, 404, 200, 200],
            async c => await c.Api.PostAsync($"/api/projects/{await c.SpareProjectAsync()}/unarchive", null)),
        ["GET /api/projects/{projectId:long}/calibration"] = ([401, 403, 404, 200, 200], c => c.Api.GetAsync($"/api/projects/{c.ProjectId}/calibration")),
        ["POST /api/projects/{projectId:long}/redecide"] = ([401, 403, 404, 200, 200],
            c => c.Api.PostAsJsonAsync($"/api/projects/{c.ProjectId}/redecide", new { })),
        ["GET /api/projects/{projectId:long}/timeline"] = ([401, 200, 404, 200, 200], c => c.Api.GetAsync($"/api/projects/{c.ProjectId}/timeline")),

        // Photos, files and thumbnails
        ["POST /api/projects/{projectId:long}/photos"] = ([401, 202, 404, 202, 202],
            c => c.App.UploadAsync(c.ProjectId, [("site.jpg", c.PhotoBytes)], client: c.Api)),
        ["GET /api/photos/{photoId:long}"] = ([401, 200, 404, 200, 200], c => c.Api.GetAsync($"/api/photos/{c.PhotoId}")),
        ["GET /api/photos/{photoId:long}/thumbnail"] = ([401, 200, 404, 200, 200], c => c.Api.GetAsync($"/api/photos/{c.PhotoId}/thumbnail")),
        ["GET /api/photos/{photoId:long}/file"] = ([401, 200, 404, 200, 200], c => c.Api.GetAsync($"/api/photos/{c.PhotoId}/file")),
        ["GET /api/photos/{photoId:long}/decisions"] = ([401, 200, 404, 200, 200], c => c.Api.GetAsync($"/api/photos/{c.PhotoId}/decisions")),
        ["GET /api/photos/{photoId:long}/compare/{otherId:long}"] = ([401, 200, 404, 200, 200],
            c => c.Api.GetAsync($"/api/photos/{c.PhotoId}/compare/{c.PhotoId}")),
        ["GET /api/photos/{photoId:long}/compare/{otherId:long}/aligned.jpg"] = ([401, 200, 404, 200, 200],
            c => c.Api.GetAsync($"/api/photos/{c.PhotoId}/compare/{c.PhotoId}/aligned.jpg")),
        ["GET /api/photos/{photoId:long}/compare/{otherId:long}/changes"] = ([401, 200, 404, 200, 200],
            c => c.Api.GetAsync($"/api/photos/{c.PhotoId}/compare/{c.PhotoId}/changes")),
        ["GET /api/photos/{photoId:long}/compare/{otherId:long}/changes.png"] = ([401, 200, 404, 200, 200],
            c => c.Api.GetAsync($"/api/photos/{c.PhotoId}/compare/{c.PhotoId}/changes.png")),
        ["GET /api/photos/{photoId:long}/timelapse"] = ([401, 200, 404, 200, 200], c => c.Api.GetAsync($"/api/photos/{c.PhotoId}/timelapse")),
        ["POST /api/photos/{photoId:long}/timelapse"] = ([401, 200, 404, 200, 200], c => c.Api.PostAsync($"/api/photos/{c.PhotoId}/timelapse", null)),
        // Served once made: made first (as the admin), then asked for by each caller.
        ["GET /api/photos/{photoId:long}/timelapse/frames/{frameId:long}"] = ([401, 200, 404, 200, 200],
            async c => await c.Api.GetAsync($"/api/photos/{await c.TimelapseReadyAsync()}/timelapse/frames/{c.PhotoId}")),
        ["GET /api/photos/{photoId:long}/timelapse/video"] = ([401, 200, 404, 200, 200],
            async c => await c.Api.GetAsync($"/api/photos/{await c.TimelapseReadyAsync()}/timelapse/video")),
        ["GET /api/photos/{photoId:long}/timelapse/frames.zip"] = ([401, 200, 404, 200, 200],
            async c => await c.Api.GetAsync($"/api/photos/{await c.TimelapseReadyAsync()}/timelapse/frames.zip")),
        ["PUT /api/photos/{photoId:long}/milestone"] = ([401, 403, 404, 200, 200],
            c => c.Api.PutAsJsonAsync($"/api/photos/{c.PhotoId}/milestone", new { milestoneId = c.MilestoneId })),
        ["POST /api/projects/{projectId:long}/photos/milestone"] = ([401, 403, 404, 200, 200],
            c => c.Api.PostAsJsonAsync($"/api/projects/{c.ProjectId}/photos/milestone", new { photoIds = new[] { c.PhotoId }, milestoneId = c.MilestoneId })),
        ["DELETE /api/photos/{photoId:long}"] = ([401, 403, 404, 200, 200],
            async c => await c.Api.DeleteAsync($"/api/photos/{await c.SparePhotoAsync(deleted: false)}")),
        ["POST /api/photos/{photoId:long}/restore"] = ([401, 403, 404, 200, 200],
            async c => await c.Api.PostAsync($"/api/photos/{await c.SparePhotoAsync(deleted: true)}/restore", null)),

        // Reports, export and map data: every member of the project (issue 15).
        ["GET /api/projects/{projectId:long}/report.pdf"] = ([401, 200, 404, 200, 200], c => c.Api.GetAsync($"/api/projects/{c.ProjectId}/report.pdf")),
        ["GET /api/projects/{projectId:long}/export.zip"] = ([401, 200, 404, 200, 200], c => c.Api.GetAsync($"/api/projects/{c.ProjectId}/export.zip")),
        ["GET /api/projects/{projectId:long}/locations"] = ([401, 200, 404, 200, 200], c => c.Api.GetAsync($"/api/projects/{c.ProjectId}/locations")),
        // Notes, tags, uploaders and the gallery: any member reads; the uploader (here the manager) or a manager changes.
        ["PATCH /api/photos/{photoId:long}"] = ([401, 403, 404, 200, 200],
            c => c.Api.PatchAsJsonAsync($"/api/photos/{c.PhotoId}", new { note = "Checked by " + c.Who, tags = new[] { "checked" } })),
        ["GET /api/projects/{projectId:long}/tags"] = ([401, 200, 404, 200, 200], c => c.Api.GetAsync($"/api/projects/{c.ProjectId}/tags?prefix=c")),
        ["GET /api/projects/{projectId:long}/uploaders"] = ([401, 200, 404, 200, 200], c => c.Api.GetAsync($"/api/projects/{c.ProjectId}/uploaders")),
        ["GET /api/projects/{projectId:long}/photos"] = ([401, 200, 404, 200, 200], c => c.Api.GetAsync($"/api/projects/{c.ProjectId}/photos?tag=checked")),
        // Comments: any member reads and writes; the author or a manager deletes (here the manager's comment).
        ["GET /api/photos/{photoId:long}/comments"] = ([401, 200, 404, 200, 200], c => c.Api.GetAsync($"/api/photos/{c.PhotoId}/comments")),
        ["POST /api/photos/{photoId:long}/comments"] = ([401, 201, 404, 201, 201],
            c => c.Api.PostAsJsonAsync($"/api/photos/{c.PhotoId}/comments", new { body = "Seen by " + c.Who })),
        ["DELETE /api/photos/{photoId:long}/comments/{commentId:long}"] = ([401, 403, 404, 200, 200],
            async c => await c.Api.DeleteAsync($"/api/photos/{c.PhotoId}/comments/{await c.SpareCommentAsync()}")),

        // Search by photo: any signed-in user, over the projects they may see (an outsider simply finds nothing of this one).
        ["POST /api/search"] = ([401, 200, 200, 200, 200],
            c => c.Api.PostAsync("/api/search", ImaginAI.Tests.Integration.Search.SearchScenario.Query(c.PhotoBytes))),

        // Sign-in for scripts: a wrong password is refused whoever asks.
        ["POST /api/auth/token"] = ([401, 401, 401, 401, 401],
            c => c.Api.PostAsJsonAsync("/api/auth/token", new { email = "nobody@tracker.test", password = "not the password" })),

        // Live updates: connecting needs a signed-in user (the hub methods are checked below).
        ["* /hubs/timeline/negotiate"] = ([401, 200, 200, 200, 200], c => c.Api.PostAsync("/hubs/timeline/negotiate?negotiateVersion=1", null)),
        ["* /hubs/timeline"] = ([401, 400, 400, 400, 400], c => c.Api.GetAsync("/hubs/timeline")),

        ["GET /health"] = ([200, 200, 200, 200, 200], c => c.Api.GetAsync("/health")),
        // The API contract and its reference page: any signed-in user (a browser without a session goes to sign-in).
        ["GET /openapi/v1.json"] = ([302, 200, 200, 200, 200], c => c.Browser.GetAsync("/openapi/v1.json")),
        // Scalar sends /api/docs on to its page for the document (a redirect a browser follows with its cookie).
        ["GET /api/docs/{documentName?}"] = ([401, 302, 302, 302, 302], c => c.Browser.GetAsync("/api/docs")),
        // Scalar's own script and icon: the library's files, the same for everyone, nothing of the tracker's.
        ["GET /api/docs/scalar.js"] = ([200, 200, 200, 200, 200], c => c.Api.GetAsync("/api/docs/scalar.js")),
        ["GET /api/docs/scalar.aspnetcore.js"] = ([200, 200, 200, 200, 200], c => c.Api.GetAsync("/api/docs/scalar.aspnetcore.js")),
        ["GET /api/docs/favicon.svg"] = ([200, 200, 200, 200, 200], c => c.Api.GetAsync("/api/docs/favicon.svg")),
        ["GET /health/live"] = ([200, 200, 200, 200, 200], c => c.Api.GetAsync("/health/live")),
        ["GET /health/ready"] = ([200, 200, 200, 200, 200], c => c.Api.GetAsync("/health/ready")),

        // The jobs API: admins steer the queue; a project's managers retry its failed photos; a member retries a failed
        // photo of theirs (this one has not failed: 409).
        ["GET /api/admin/jobs"] = ([401, 403, 403, 403, 200], c => c.Api.GetAsync("/api/admin/jobs")),
        ["POST /api/admin/jobs/{queue}/pause"] = ([401, 403, 403, 403, 200], c => c.Api.PostAsync("/api/admin/jobs/matching/pause", null)),
        ["POST /api/admin/jobs/{queue}/resume"] = ([401, 403, 403, 403, 200], c => c.Api.PostAsync("/api/admin/jobs/matching/resume", null)),
        ["POST /api/admin/jobs/retry-failed"] = ([401, 403, 403, 403, 200], c => c.Api.PostAsync("/api/admin/jobs/retry-failed", null)),
        ["POST /api/admin/jobs/projects/{projectId:long}/reembed"] = ([401, 403, 403, 403, 200],
            c => c.Api.PostAsync($"/api/admin/jobs/projects/{c.ProjectId}/reembed", null)),
        ["POST /api/projects/{projectId:long}/retry-failed"] = ([401, 403, 404, 200, 200],
            c => c.Api.PostAsync($"/api/projects/{c.ProjectId}/retry-failed", null)),
        ["POST /api/photos/{photoId:long}/retry"] = ([401, 409, 404, 409, 409], c => c.Api.PostAsync($"/api/photos/{c.PhotoId}/retry", null)),

        // Webhooks: the project's managers (this app refuses loopback receivers, hence 400; no webhook 999999, hence 404).
        ["GET /api/projects/{projectId:long}/webhooks"] = ([401, 403, 404, 200, 200], c => c.Api.GetAsync($"/api/projects/{c.ProjectId}/webhooks")),
        ["POST /api/projects/{projectId:long}/webhooks"] = ([401, 403, 404, 400, 400],
            c => c.Api.PostAsJsonAsync($"/api/projects/{c.ProjectId}/webhooks", new { url = "https://127.0.0.1/hook", events = new[] { "photo.matched" } })),
        ["DELETE /api/projects/{projectId:long}/webhooks/{webhookId:long}"] = ([401, 403, 404, 404, 404],
            c => c.Api.DeleteAsync($"/api/projects/{c.ProjectId}/webhooks/999999")),
        ["GET /api/projects/{projectId:long}/webhooks/{webhookId:long}/deliveries"] = ([401, 403, 404, 404, 404],
            c => c.Api.GetAsync($"/api/projects/{c.ProjectId}/webhooks/999999/deliveries")),
        ["POST /api/projects/{projectId:long}/webhooks/{webhookId:long}/deliveries/{deliveryId:long}/redeliver"] = ([401, 403, 404, 404, 404],
            c => c.Api.PostAsync($"/api/projects/{c.ProjectId}/webhooks/999999/deliveries/1/redeliver", null)),

        // Pages
        ["GET /"] = ([302, 200, 200, 200, 200], c => c.Browser.GetAsync("/")),
        ["GET /projects/{id:long}"] = ([302, 200, 404, 200, 200], c => c.Browser.GetAsync($"/projects/{c.ProjectId}")),
        ["GET /projects/{projectId:long}/settings"] = ([302, 403, 404, 200, 200], c => c.Browser.GetAsync($"/projects/{c.ProjectId}/settings")),
        ["GET /projects/{id:long}/review"] = ([302, 403, 404, 200, 200], c => c.Browser.GetAsync($"/projects/{c.ProjectId}/review")),
        ["GET /projects/{id:long}/upload"] = ([302, 200, 404, 200, 200], c => c.Browser.GetAsync($"/projects/{c.ProjectId}/upload")),
        ["GET /photos/{id:long}"] = ([302, 200, 404, 200, 200], c => c.Browser.GetAsync($"/photos/{c.PhotoId}")),
        ["GET /projects/{id:long}/map"] = ([302, 200, 404, 200, 200], c => c.Browser.GetAsync($"/projects/{c.ProjectId}/map")),
        ["GET /projects/{id:long}/gallery"] = ([302, 200, 404, 200, 200], c => c.Browser.GetAsync($"/projects/{c.ProjectId}/gallery?tag=checked")),
        ["GET /photos/{id:long}/timelapse"] = ([302, 200, 404, 200, 200], c => c.Browser.GetAsync($"/photos/{c.PhotoId}/timelapse")),
        ["GET /search"] = ([302, 200, 200, 200, 200], c => c.Browser.GetAsync("/search")),
        ["GET /not-found"] = ([302, 404, 404, 404, 404], c => c.Browser.GetAsync("/not-found")),

        // Account pages
        ["GET /account/login"] = ([200, 200, 200, 200, 200], c => c.Browser.GetAsync("/account/login")),
        ["POST /account/login"] = ([401, 401, 401, 401, 401], c => c.Browser.PostAsync("/account/login",
            c.Form(("Email", "nobody@tracker.test"), ("Password", "not the password")))),
        ["GET /account/setup"] = ([302, 302, 302, 302, 302], c => c.Browser.GetAsync("/account/setup")),
        ["POST /account/setup"] = ([302, 302, 302, 302, 302], c => c.Browser.PostAsync("/account/setup",
            c.Form(("email", "intruder@tracker.test"), ("password", "intruder-password"), ("confirmPassword", "intruder-password")))),
        ["GET /account"] = ([302, 200, 200, 200, 200], c => c.Browser.GetAsync("/account")),
        ["POST /account/tokens"] = ([302, 302, 302, 302, 302], c => c.Browser.PostAsync("/account/tokens", c.Form(("name", "matrix")))),
        ["POST /account/tokens/{tokenId:long}/revoke"] = ([302, 302, 302, 302, 302],
            async c => await c.Browser.PostAsync($"/account/tokens/{await c.OwnSpareTokenIdAsync()}/revoke", c.Form())),
        ["POST /account/password"] = ([302, 400, 400, 400, 400], c => c.Browser.PostAsync("/account/password",
            c.Form(("currentPassword", "not the password"), ("newPassword", "whatever-new-1"), ("confirmPassword", "whatever-new-1")))),
        ["POST /account/logout"] = ([302, 302, 302, 302, 302], async c =>
        {
            var (browser, formToken) = await c.FreshBrowserAsync();
            return await browser.PostAsync("/account/logout", AccountsTestSupport.Form(formToken));
        }),

        // Admin pages
        ["GET /admin/users"] = ([302, 403, 403, 403, 200], c => c.Browser.GetAsync("/admin/users")),
        ["POST /admin/users"] = ([302, 403, 403, 403, 200], c => c.Browser.PostAsync("/admin/users",
            c.Form(("email", $"new-{Guid.NewGuid():N}@tracker.test"), ("password", "a-long-password"), ("role", Roles.Field)))),
        ["POST /admin/users/{userId:long}/role"] = ([302, 403, 403, 403, 200],
            async c => await c.Browser.PostAsync($"/admin/users/{(await c.SpareUserAsync()).Id}/role", c.Form(("role", Roles.Manager)))),
        ["POST /admin/users/{userId:long}/password"] = ([302, 403, 403, 403, 200],
            async c => await c.Browser.PostAsync($"/admin/users/{(await c.SpareUserAsync()).Id}/password", c.Form(("password", "another-long-password")))),
        ["POST /admin/users/{userId:long}/delete"] = ([302, 403, 403, 403, 200],
            async c => await c.Browser.PostAsync($"/admin/users/{(await c.SpareUserAsync()).Id}/delete", c.Form())),
        ["POST /admin/users/{userId:long}/memberships"] = ([302, 403, 403, 403, 200],
            async c => await c.Browser.PostAsync($"/admin/users/{(await c.SpareUserAsync()).Id}/memberships",
                c.Form(("projectId", c.ProjectId.ToString()), ("role", ProjectRoles.Field)))),
        ["POST /admin/users/{userId:long}/memberships/{projectId:long}/remove"] = ([302, 403, 403, 403, 200],
            async c => await c.Browser.PostAsync($"/admin/users/{(await c.SpareMemberAsync()).Id}/memberships/{c.ProjectId}/remove", c.Form())),
        ["GET /admin/audit"] = ([302, 403, 403, 403, 200], c => c.Browser.GetAsync("/admin/audit")),
        ["GET /admin/jobs"] = ([302, 403, 403, 403, 200], c => c.Browser.GetAsync("/admin/jobs")),
        ["POST /admin/jobs/{queue}/pause"] = ([302, 403, 403, 403, 200], c => c.Browser.PostAsync("/admin/jobs/embedding/pause", c.Form())),
        ["POST /admin/jobs/{queue}/resume"] = ([302, 403, 403, 403, 200], c => c.Browser.PostAsync("/admin/jobs/embedding/resume", c.Form())),
        ["POST /admin/jobs/retry-failed"] = ([302, 403, 403, 403, 200], c => c.Browser.PostAsync("/admin/jobs/retry-failed", c.Form())),
        ["POST /admin/jobs/projects/{projectId:long}/retry-failed"] = ([302, 403, 403, 403, 200],
            c => c.Browser.PostAsync($"/admin/jobs/projects/{c.ProjectId}/retry-failed", c.Form())),
        ["POST /admin/jobs/projects/{projectId:long}/reembed"] = ([302, 403, 403, 403, 200],
            c => c.Browser.PostAsync($"/admin/jobs/projects/{c.ProjectId}/reembed", c.Form())),
        ["POST /admin/jobs/photos/{photoId:long}/retry"] = ([302, 403, 403, 403, 409],
            c => c.Browser.PostAsync($"/admin/jobs/photos/{c.PhotoId}/retry", c.Form())),

        // Project members (the project's managers)
        // Project webhooks page (the project's managers)
        ["GET /projects/{projectId:long}/webhooks"] = ([302, 403, 404, 200, 200], c => c.Browser.GetAsync($"/projects/{c.ProjectId}/webhooks")),
        ["POST /projects/{projectId:long}/webhooks"] = ([302, 403, 404, 400, 400], c => c.Browser.PostAsync($"/projects/{c.ProjectId}/webhooks",
            c.Form(("url", "https://127.0.0.1/hook"), ("events", "photo.matched")))),
        ["POST /projects/{projectId:long}/webhooks/{webhookId:long}/delete"] = ([302, 403, 404, 404, 404],
            c => c.Browser.PostAsync($"/projects/{c.ProjectId}/webhooks/999999/delete", c.Form())),
        ["POST /projects/{projectId:long}/webhooks/{webhookId:long}/deliveries/{deliveryId:long}/redeliver"] = ([302, 403, 404, 404, 404],
            c => c.Browser.PostAsync($"/projects/{c.ProjectId}/webhooks/999999/deliveries/1/redeliver", c.Form())),

        ["GET /projects/{projectId:long}/members"] = ([302, 403, 404, 200, 200], c => c.Browser.GetAsync($"/projects/{c.ProjectId}/members")),
        ["POST /projects/{projectId:long}/members"] = ([302, 403, 404, 200, 200],
            async c => await c.Browser.PostAsync($"/projects/{c.ProjectId}/members",
                c.Form(("email", (await c.SpareUserAsync()).Email), ("role", ProjectRoles.Field)))),
        ["POST /projects/{projectId:long}/members/{userId:long}/remove"] = ([302, 403, 404, 200, 200],
            async c => await c.Browser.PostAsync($"/projects/{c.ProjectId}/members/{(await c.SpareMemberAsync()).Id}/remove", c.Form())),
    };

    // Hub methods: "ok" when the call succeeds, "refused" when the hub throws, "no connection" when it cannot connect.
    private static readonly Dictionary<string, string[]> HubMethods = new()
    {
        [nameof(TimelineHub.JoinProject)] = ["no connection", "ok", "refused", "ok", "ok"],
        [nameof(TimelineHub.LeaveProject)] = ["no connection", "ok", "refused", "ok", "ok"],
    };

    [Fact]
    public async Task EveryEndpointAndHubMethod_ForEachKindOfCaller_AnswersAsExpected()
    {
        var mapped = MappedEndpoints();
        var missing = mapped.Except(Endpoints.Keys).ToList();
        var stale = Endpoints.Keys.Except(mapped).ToList();
        Assert.True(missing.Count == 0, "Endpoints without a row in the authorization matrix (add one): " + string.Join(", ", missing));
        Assert.True(stale.Count == 0, "Matrix rows for endpoints the app no longer maps: " + string.Join(", ", stale));
        var hubMethods = typeof(TimelineHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            // Overrides of Hub's own methods (OnDisconnectedAsync) are not callable by clients, as SignalR decides it.
            .Where(m => !m.IsSpecialName && m.GetBaseDefinition().DeclaringType == typeof(TimelineHub)).Select(m => m.Name).ToList();
        Assert.True(hubMethods.Order().SequenceEqual(HubMethods.Keys.Order()),
            $"Hub methods {string.Join(", ", hubMethods)} and matrix rows {string.Join(", ", HubMethods.Keys)} differ.");

        var world = await MatrixWorld.CreateAsync(app);
        var failures = new List<string>();
        foreach (var (endpoint, (expected, send)) in Endpoints)
        {
            foreach (var who in Enum.GetValues<Who>())
            {
                var cell = world.CellFor(who);
                using var response = await send(cell);
                var status = (int)response.StatusCode;
                if (status != expected[(int)who])
                    failures.Add($"{endpoint} as {who}: expected {expected[(int)who]}, got {status} {Shorten(await response.Content.ReadAsStringAsync())}");
                else if (status == 302 && who == Who.Anonymous && !endpoint.Contains("/account/", StringComparison.Ordinal)
                    && !response.Headers.Location!.OriginalString.Contains("/account/login", StringComparison.Ordinal))
                    failures.Add($"{endpoint} as {who}: redirected to {response.Headers.Location}, not to the login page");
                else if (status == 401 && endpoint.Contains("/api/", StringComparison.Ordinal)
                    && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    failures.Add($"{endpoint} as {who}: 401 without application/problem+json");
            }
        }
        foreach (var (method, expected) in HubMethods)
            foreach (var who in Enum.GetValues<Who>())
            {
                var outcome = await world.CallHubAsync(who, method);
                if (outcome != expected[(int)who]) failures.Add($"hub {method} as {who}: expected {expected[(int)who]}, got {outcome}");
            }

        Assert.True(failures.Count == 0, $"{failures.Count} cells differ:\n" + string.Join("\n", failures));
    }

    private HashSet<string> MappedEndpoints()
    {
        app.Start();
        var keys = new HashSet<string>();
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var route = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods;
            if (methods is null || methods.Count == 0) keys.Add("* " + route);
            else foreach (var method in methods) keys.Add($"{method} {route}");
        }
        return keys;
    }

    private static string Shorten(string body) => body.Length > 300 ? body[..300] + "…" : body;

    /// <summary>One project with a field member, a manager member (its creator), a milestone and a photo.</summary>
    private sealed class MatrixWorld
    {
        public required TrackerApp App { get; init; }
        public required Dictionary<Who, TestUser?> Users { get; init; }
        public required Dictionary<Who, HttpClient> ApiClients { get; init; }
        public required Dictionary<Who, HttpClient> BrowserClients { get; init; }
        public required Dictionary<Who, string> FormTokens { get; init; }
        public long ProjectId { get; private set; }
        public long MilestoneId { get; private set; }
        public long PhotoId { get; private set; }
        public byte[] PhotoBytes { get; } = TestImages.QuadrantsJpeg(640, 480);

        public static async Task<MatrixWorld> CreateAsync(TrackerApp app)
        {
            var users = new Dictionary<Who, TestUser?>
            {
                [Who.Anonymous] = null,
                [Who.FieldMember] = await app.CreateUserAsync(Roles.Field),
                [Who.FieldOutsider] = await app.CreateUserAsync(Roles.Field),
                [Who.ManagerMember] = await app.CreateUserAsync(Roles.Manager),
                [Who.Admin] = new TestUser(0, TrackerApp.AdminEmail, TrackerApp.AdminPassword, Roles.Admin, app.AdminToken),
            };
            var world = new MatrixWorld
            {
                App = app, Users = users, ApiClients = [], BrowserClients = [], FormTokens = [],
            };
            foreach (var (who, user) in users)
            {
                world.ApiClients[who] = user is null ? app.CreateAnonymousClient() : app.CreateClientWithToken(user.Token);
                world.BrowserClients[who] = user is null ? app.CreateBrowserClient() : await app.SignInWithCookieAsync(user.Email, user.Password);
                world.FormTokens[who] = await world.BrowserClients[who].GetFormTokenAsync("/account/login");
            }
            var manager = users[Who.ManagerMember]!;
            world.ProjectId = await app.CreateProjectAsAsync(manager, "Matrix site");
            await app.AddMemberAsync(world.ProjectId, users[Who.FieldMember]!.Id, ProjectRoles.Field);
            using var managerClient = app.CreateClientWithToken(manager.Token);
            world.MilestoneId = await app.AddMilestoneAsync(world.ProjectId, "Foundations", managerClient);
            world.PhotoId = await app.UploadOneAsync(world.ProjectId, "first.jpg", TestImages.QuadrantsJpeg(800, 600), client: managerClient);
            return world;
        }

        public Cell CellFor(Who who) => new(this, who);

        public async Task<string> CallHubAsync(Who who, string method)
        {
            var user = Users[who];
            await using var connection = user is null ? App.CreateHubConnection(anonymous: true) : App.CreateHubConnection(user.Token);
            try
            {
                await connection.StartAsync();
            }
            catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.Unauthorized)
            {
                return "no connection";
            }
            try
            {
                await connection.InvokeAsync(method, ProjectId);
                return "ok";
            }
            catch (HubException)
            {
                return "refused";
            }
        }
    }

    private sealed class Cell(MatrixWorld world, Who who)
    {
        public Who Who => who;
        public TrackerApp App => world.App;
        public HttpClient Api => world.ApiClients[who];
        public HttpClient Browser => world.BrowserClients[who];
        public long ProjectId => world.ProjectId;
        public long MilestoneId => world.MilestoneId;
        public long PhotoId => world.PhotoId;
        public byte[] PhotoBytes => world.PhotoBytes;

        /// <summary>Makes the photo's time-lapse as the admin and returns the photo's id once it is ready.</summary>
        public async Task<long> TimelapseReadyAsync()
        {
            using var admin = App.CreateClient();
            await App.WaitUntilDecidedAsync(PhotoId, TimeSpan.FromMinutes(2), admin);
            await ImaginAI.Tests.Integration.Timelapse.TimelapseScenario.WaitReadyAsync(admin, PhotoId);
            return PhotoId;
        }

        public FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
            AccountsTestSupport.Form(world.FormTokens[who], fields);

        /// <summary>A user to act upon (role change, deletion...), fresh for each cell so cells stay independent.</summary>
        public Task<TestUser> SpareUserAsync() => App.CreateUserAsync(Roles.Field);

        public async Task<TestUser> SpareMemberAsync()
        {
            var user = await SpareUserAsync();
            await App.AddMemberAsync(ProjectId, user.Id, ProjectRoles.Field);
            return user;
        }

        /// <summary>A photo of the project to delete or restore, fresh for each cell (uploaded, and deleted if asked, by its manager).</summary>
        public async Task<long> SparePhotoAsync(bool deleted)
        {
            using var manager = App.CreateClientWithToken(world.Users[Who.ManagerMember]!.Token);
            var id = await App.UploadOneAsync(ProjectId, "spare.jpg", TestImages.QuadrantsJpeg(640 + Interlocked.Increment(ref spares), 480), client: manager);
            if (deleted) (await manager.DeleteAsync($"/api/photos/{id}")).EnsureSuccessStatusCode();
            return id;
        }

        private static int spares;

        /// <summary>A comment of the manager's on the photo, fresh for each cell (to delete).</summary>
        public async Task<long> SpareCommentAsync()
        {
            using var manager = App.CreateClientWithToken(world.Users[Who.ManagerMember]!.Token);
            using var response = await manager.PostAsJsonAsync($"/api/photos/{PhotoId}/comments", new { body = "Spare " + Interlocked.Increment(ref spares) });
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64();
        }

        /// <summary>A project of the manager's with the field member in it, fresh for each cell (to archive or unarchive).</summary>
        public async Task<long> SpareProjectAsync()
        {
            var id = await App.CreateProjectAsAsync(world.Users[Who.ManagerMember]!, "Spare site " + Interlocked.Increment(ref spares));
            await App.AddMemberAsync(id, world.Users[Who.FieldMember]!.Id, ProjectRoles.Field);
            return id;
        }

        public async Task<long> SpareMilestoneAsync()
        {
            using var manager = App.CreateClientWithToken(world.Users[Who.ManagerMember]!.Token);
            return await App.AddMilestoneAsync(ProjectId, "Spare " + Interlocked.Increment(ref spares), manager);
        }

        /// <summary>The project's milestones in their order, as the manager sees them (to reorder them).</summary>
        public async Task<long[]> MilestoneIdsAsync()
        {
            using var manager = App.CreateClientWithToken(world.Users[Who.ManagerMember]!.Token);
            var all = await manager.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/projects/{ProjectId}/milestones");
            return all.EnumerateArray().Select(m => m.GetProperty("id").GetInt64()).Reverse().ToArray();
        }

        /// <summary>A token of the caller's own to revoke (the anonymous caller gets some id: they never get that far).</summary>
        public async Task<long> OwnSpareTokenIdAsync()
        {
            var user = world.Users[who];
            if (user is null) return 1;
            var plain = await App.CreateTokenAsync(user.Email);
            var token = await App.Services.GetRequiredService<ApiTokenRepository>().GetActiveByHashAsync(AccountService.HashToken(plain));
            return token!.Id;
        }

        /// <summary>A browser session of its own, for a cell that ends it (sign-out).</summary>
        public async Task<(HttpClient Client, string FormToken)> FreshBrowserAsync()
        {
            var user = world.Users[who];
            var client = user is null ? App.CreateBrowserClient() : await App.SignInWithCookieAsync(user.Email, user.Password);
            return (client, await client.GetFormTokenAsync("/account/login"));
        }
    }
}
