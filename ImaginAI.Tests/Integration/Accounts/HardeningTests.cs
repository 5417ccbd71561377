using System.Net;
using System.Net.Http.Json;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Accounts;

namespace ImaginAI.Tests.Integration.Accounts;

public sealed class HardeningTests(TrackerApp app) : IClassFixture<TrackerApp>
{
    [Theory]
    [InlineData("/account/login")]
    [InlineData("/css/site.css")]
    [InlineData("/api/projects")]
    [InlineData("/no/such/page")]
    public async Task AnyResponse_CarriesSecurityHeaders(string path)
    {
        using var anonymous = app.CreateAnonymousClient();

        var response = await anonymous.GetAsync(path);

        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task PhotoFile_IsServedAsItsImageTypeAsAnAttachmentOfItsOwnName()
    {
        using var client = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Files site", client)).GetProperty("id").GetInt64();
        // A photo named like a web page must still come back as the JPEG it is.
        var photoId = await app.UploadOneAsync(projectId, "evil.html", TestImages.QuadrantsJpeg(320, 240), client: client);

        var file = await client.GetAsync($"/api/photos/{photoId}/file");

        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("image/jpeg", file.Content.Headers.ContentType!.MediaType);
        Assert.Equal("evil.html", file.Content.Headers.ContentDisposition!.FileNameStar ?? file.Content.Headers.ContentDisposition.FileName?.Trim('"'));
        Assert.Contains("sandbox", string.Join(";", file.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", Assert.Single(file.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task CookieApiCall_WithoutThePageToken_IsRefusedAndWithItSucceeds()
    {
        var manager = await app.CreateUserAsync(Roles.Manager);
        using var browser = await app.SignInWithCookieAsync(manager.Email, manager.Password);

        var forged = await browser.PostAsJsonAsync("/api/projects", new { name = "Forged" });
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/projects") { Content = JsonContent.Create(new { name = "Genuine" }) };
        request.Headers.Add("X-CSRF-TOKEN", await browser.GetPageCsrfTokenAsync("/"));
        var genuine = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("Reload the page", (await forged.ReadJsonAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Created, genuine.StatusCode);
        var projects = await browser.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/projects");
        Assert.Equal(["Genuine"], projects.EnumerateArray().Select(p => p.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task CookieHubConnection_FromAnotherSite_IsRefused()
    {
        using var browser = await app.SignInWithCookieAsync(TrackerApp.AdminEmail, TrackerApp.AdminPassword);
        var foreign = new HttpRequestMessage(HttpMethod.Post, "/hubs/timeline/negotiate?negotiateVersion=1");
        foreign.Headers.Add("Origin", "https://evil.example");
        var own = new HttpRequestMessage(HttpMethod.Post, "/hubs/timeline/negotiate?negotiateVersion=1");
        own.Headers.Add("Origin", browser.BaseAddress!.GetLeftPart(UriPartial.Authority));

        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(foreign)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(own)).StatusCode);
    }

    [Fact]
    public async Task FormPost_WithoutAntiforgeryToken_IsRefused()
    {
        using var admin = await app.SignInWithCookieAsync(TrackerApp.AdminEmail, TrackerApp.AdminPassword);

        var response = await admin.PostAsync("/admin/users", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = "sneaky@tracker.test", ["password"] = "sneaky password", ["role"] = Roles.Admin,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("sneaky@tracker.test", await admin.GetStringAsync("/admin/users"));
    }

    [Fact]
    public async Task AuditPage_ListsSignInsFailuresTokenUseMembershipDecisionsAndThresholdChanges()
    {
        var manager = await app.CreateUserAsync(Roles.Manager);
        var field = await app.CreateUserAsync(Roles.Field);
        using var managerClient = app.CreateClientWithToken(manager.Token);
        var projectId = await app.CreateProjectAsAsync(manager, "Audited site");
        var milestoneId = await app.AddMilestoneAsync(projectId, "Walls", managerClient);
        var photoId = await app.UploadOneAsync(projectId, "walls.jpg", TestImages.QuadrantsJpeg(320, 240), client: managerClient);
        (await managerClient.PutAsJsonAsync($"/api/photos/{photoId}/milestone", new { milestoneId })).EnsureSuccessStatusCode();
        (await managerClient.PatchAsJsonAsync($"/api/projects/{projectId}", new { matchThreshold = 0.9 })).EnsureSuccessStatusCode();
        using var managerBrowser = await app.SignInWithCookieAsync(manager.Email, manager.Password);
        (await managerBrowser.PostAsync($"/projects/{projectId}/members", AccountsTestSupport.Form(
            await managerBrowser.GetFormTokenAsync($"/projects/{projectId}/members"), ("email", field.Email), ("role", ProjectRoles.Field)))).EnsureSuccessStatusCode();
        await app.CreateBrowserClient().PostLoginAsync(field.Email, "not my password");

        using var admin = await app.SignInWithCookieAsync(TrackerApp.AdminEmail, TrackerApp.AdminPassword);
        var audit = WebUtility.HtmlDecode(await admin.GetStringAsync("/admin/audit"));

        Assert.Contains("sign-in-failed", audit);
        Assert.Contains("token-used", audit);
        Assert.Contains("member-added", audit);
        Assert.Contains(field.Email, audit);
        Assert.Contains("milestone-decided", audit);
        Assert.Contains($"/api/photos/{photoId}/milestone", audit);
        Assert.Contains($"\"milestoneId\":{milestoneId}", audit);
        Assert.Contains("project-changed", audit);
        Assert.Contains("\"matchThreshold\":0.9", audit);
    }
}
