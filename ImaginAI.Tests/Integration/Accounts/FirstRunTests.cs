using System.Net;
using System.Net.Http.Json;
using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.Accounts;

/// <summary>An app started without Admin:Email/Admin:Password, on an empty data directory.</summary>
public sealed class FirstRunTests : IAsyncLifetime
{
    private readonly TrackerApp app = TrackerApp.Create(settings: new() { ["Admin:Email"] = "", ["Admin:Password"] = "" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task FirstVisit_NoAccountYet_SetsUpTheAdminOnceThenAsksToSignIn()
    {
        using var browser = app.CreateBrowserClient();
        using var script = app.CreateAnonymousClient();

        var home = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal("/account/setup", home.Headers.Location!.OriginalString);
        var api = await script.GetAsync("/api/projects");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Contains("/account/setup", (await api.ReadJsonAsync()).GetProperty("detail").GetString());

        var tooShort = await browser.PostAsync("/account/setup", AccountsTestSupport.Form(await browser.GetFormTokenAsync("/account/setup"),
            ("email", "first@tracker.test"), ("password", "short"), ("confirmPassword", "short")));
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Contains("at least 10 characters", await tooShort.Content.ReadAsStringAsync());

        var created = await browser.PostAsync("/account/setup", AccountsTestSupport.Form(await browser.GetFormTokenAsync("/account/setup"),
            ("email", "first@tracker.test"), ("password", "first admin password"), ("confirmPassword", "first admin password")));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin/users")).StatusCode); // signed in, as an admin

        using var latecomer = app.CreateBrowserClient();
        Assert.Equal("/account/login", (await latecomer.GetAsync("/account/setup")).Headers.Location!.OriginalString);
        var second = await latecomer.PostAsync("/account/setup", AccountsTestSupport.Form(await latecomer.GetFormTokenAsync("/account/login"),
            ("email", "intruder@tracker.test"), ("password", "intruder password"), ("confirmPassword", "intruder password")));
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        var signIn = await script.PostAsJsonAsync("/api/auth/token", new { email = "intruder@tracker.test", password = "intruder password" });
        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
        var admin = await script.PostAsJsonAsync("/api/auth/token", new { email = "first@tracker.test", password = "first admin password" });
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }
}
