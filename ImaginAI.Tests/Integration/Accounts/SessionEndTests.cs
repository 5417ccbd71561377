using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Accounts;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ImaginAI.Tests.Integration.Accounts;

/// <summary>Credentials that end when they should, and sign-in answers that say nothing about who has an account.</summary>
public sealed partial class SessionEndTests(TrackerApp app) : IClassFixture<TrackerApp>
{
    [Fact]
    public async Task SignOut_ThenTheCapturedCookieReplayed_IsRefused()
    {
        var user = await app.CreateUserAsync(Roles.Manager);
        using var browser = app.CreateBrowserClient();
        var signIn = await browser.PostLoginAsync(user.Email, user.Password);
        var captured = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("imaginai.auth=", StringComparison.Ordinal)).Split(';')[0];
        using var thief = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        thief.DefaultRequestHeaders.Authorization = null;
        Assert.Equal(HttpStatusCode.OK, (await SendWithCookieAsync(thief, "/api/projects", captured)).StatusCode);

        var signOut = await browser.PostAsync("/account/logout", AccountsTestSupport.Form(await browser.GetFormTokenAsync("/account")));

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendWithCookieAsync(thief, "/api/projects", captured)).StatusCode);
        var page = await SendWithCookieAsync(thief, "/account", captured);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/account/login", page.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignOut_EndsOnlyThatBrowsersSession()
    {
        var user = await app.CreateUserAsync(Roles.Field);
        using var phone = await app.SignInWithCookieAsync(user.Email, user.Password);
        using var laptop = await app.SignInWithCookieAsync(user.Email, user.Password);

        await phone.PostAsync("/account/logout", AccountsTestSupport.Form(await phone.GetFormTokenAsync("/account")));

        Assert.Equal(HttpStatusCode.Redirect, (await phone.GetAsync("/account")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/account")).StatusCode);
    }

    [Fact]
    public async Task ResetPassword_ByAdmin_RevokesTheUsersApiTokens()
    {
        var user = await app.CreateUserAsync(Roles.Field);
        using var script = app.CreateClientWithToken(user.Token);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/projects")).StatusCode);
        using var admin = await app.SignInWithCookieAsync(TrackerApp.AdminEmail, TrackerApp.AdminPassword);

        var reset = await admin.PostAsync($"/admin/users/{user.Id}/password",
            AccountsTestSupport.Form(await admin.GetFormTokenAsync("/admin/users"), ("password", "the replacement password")));

        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/projects")).StatusCode);
    }

    [Fact]
    public async Task ChangePassword_ByTheUser_RevokesTheirApiTokensAndKeepsThisBrowserSignedIn()
    {
        var user = await app.CreateUserAsync(Roles.Manager);
        using var script = app.CreateClientWithToken(user.Token);
        using var browser = await app.SignInWithCookieAsync(user.Email, user.Password);

        var changed = await browser.PostAsync("/account/password", AccountsTestSupport.Form(await browser.GetFormTokenAsync("/account"),
            ("currentPassword", user.Password), ("newPassword", "my new long password"), ("confirmPassword", "my new long password")));

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/projects")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account")).StatusCode);
        // A token made after the change works: only the old ones ended.
        using var anonymous = app.CreateAnonymousClient();
        var issued = await anonymous.PostAsJsonAsync("/api/auth/token", new { email = user.Email, password = "my new long password" });
        using var newScript = app.CreateClientWithToken((await issued.ReadJsonAsync()).GetProperty("token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await newScript.GetAsync("/api/projects")).StatusCode);
    }

    [Fact]
    public async Task SignIn_LockedAccountAndUnknownEmail_AnswerAlike()
    {
        var locked = await app.CreateUserAsync(Roles.Field);
        using var browser = app.CreateBrowserClient();
        for (var i = 0; i < 5; i++) await browser.PostLoginAsync(locked.Email, "wrong password " + i);
        var unknown = $"nobody-{Guid.NewGuid():N}@tracker.test";
        using var anonymous = app.CreateAnonymousClient();

        var tokenLocked = await anonymous.PostAsJsonAsync("/api/auth/token", new { email = locked.Email, password = locked.Password });
        var tokenUnknown = await anonymous.PostAsJsonAsync("/api/auth/token", new { email = unknown, password = locked.Password });
        var formLocked = await browser.PostLoginAsync(locked.Email, locked.Password);
        var formUnknown = await browser.PostLoginAsync(unknown, locked.Password);

        Assert.Equal(HttpStatusCode.Unauthorized, tokenLocked.StatusCode);
        Assert.Equal(tokenLocked.StatusCode, tokenUnknown.StatusCode);
        Assert.Equal(tokenLocked.Content.Headers.ContentType, tokenUnknown.Content.Headers.ContentType);
        var (lockedBody, unknownBody) = (await tokenLocked.ReadJsonAsync(), await tokenUnknown.ReadJsonAsync());
        Assert.Equal(lockedBody.GetProperty("title").GetString(), unknownBody.GetProperty("title").GetString());
        Assert.Equal(lockedBody.GetProperty("detail").GetString(), unknownBody.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, formLocked.StatusCode);
        Assert.Equal(formLocked.StatusCode, formUnknown.StatusCode);
        Assert.Equal(FormError(await formLocked.Content.ReadAsStringAsync()), FormError(await formUnknown.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task MembersPage_ForAManager_OffersColleaguesButNotEveryUsersEmail()
    {
        var manager = await app.CreateUserAsync(Roles.Manager);
        var colleague = await app.CreateUserAsync(Roles.Field);
        var stranger = await app.CreateUserAsync(Roles.Field);
        var earlier = await app.CreateProjectAsAsync(manager, "Earlier job");
        await app.AddMemberAsync(earlier, colleague.Id, ProjectRoles.Field);
        var projectId = await app.CreateProjectAsAsync(manager, "New job");
        using var managerBrowser = await app.SignInWithCookieAsync(manager.Email, manager.Password);

        var page = WebUtility.HtmlDecode(await managerBrowser.GetStringAsync($"/projects/{projectId}/members"));

        Assert.Contains(colleague.Email, page);
        Assert.DoesNotContain(stranger.Email, page);
        // Someone they have not worked with yet is still added by exact email.
        var added = await managerBrowser.PostAsync($"/projects/{projectId}/members", AccountsTestSupport.Form(
            await managerBrowser.GetFormTokenAsync($"/projects/{projectId}/members"), ("email", stranger.Email), ("role", ProjectRoles.Field)));
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        using var strangerApi = app.CreateClientWithToken(stranger.Token);
        Assert.Equal(HttpStatusCode.OK, (await strangerApi.GetAsync($"/api/projects/{projectId}")).StatusCode);
    }

    private static async Task<HttpResponseMessage> SendWithCookieAsync(HttpClient client, string path, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    private static string FormError(string html) =>
        FormErrorParagraph().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : "(no error shown)";

    [GeneratedRegex("<p class=\"form-error\"[^>]*>(.*?)</p>", RegexOptions.Singleline)]
    private static partial Regex FormErrorParagraph();
}
