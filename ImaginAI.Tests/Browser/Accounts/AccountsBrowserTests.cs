using System.Net.Http.Json;
using ImaginAI.Tests.Integration.Accounts;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Accounts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImaginAI.Tests.Browser.Accounts;

/// <summary>Signing in, being sent to sign in, and the upload queue that survives a reload, in Debian's chromium.</summary>
public sealed class AccountsBrowserTests(KestrelTrackerApp app, ChromiumBrowser chromium)
    : IClassFixture<KestrelTrackerApp>, IClassFixture<ChromiumBrowser>
{
    // The whole suite shares 2 cores with the embedding jobs; this bounds a hang, not a speed.
    private const float SlowMachineTimeoutMs = 60_000;

    [Fact]
    public async Task SignIn_FromARedirectedProjectLink_LandsOnTheLiveTimelineWhichShowsNewPhotos()
    {
        var manager = await app.CreateUserAsync(Roles.Manager);
        var projectId = await app.CreateProjectAsAsync(manager, "Harbour wall");
        var (context, errors) = await chromium.NewContextAsync();
        context.SetDefaultTimeout(SlowMachineTimeoutMs);
        var page = await context.NewPageAsync();
        var blockedByPolicy = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal)) blockedByPolicy.Add(message.Text);
        };

        await page.GotoAsync(new Uri(app.BaseAddress, $"projects/{projectId}").ToString());
        Assert.Contains("/account/login", page.Url);
        await page.FillAsync("input[name=Email]", manager.Email);
        await page.FillAsync("input[name=Password]", manager.Password);
        await page.ClickAsync("button[type=submit]");

        await page.WaitForURLAsync($"**/projects/{projectId}");
        await Expect(page.Locator("[data-connection]")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = SlowMachineTimeoutMs });
        using var api = app.CreateClientWithToken(manager.Token);
        var photoId = await app.UploadOneAsync(projectId, "wall.jpg", TestImages.QuadrantsJpeg(640, 480), client: api);
        await Expect(page.Locator($"[data-photo-id='{photoId}']").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        // The pages run under the strict policy (no inline script or style) without anything being blocked.
        await page.GotoAsync(new Uri(app.BaseAddress, $"photos/{photoId}").ToString());
        await page.GotoAsync(new Uri(app.BaseAddress, $"projects/{projectId}/upload").ToString());
        await page.GotoAsync(new Uri(app.BaseAddress, "account").ToString());
        Assert.Empty(blockedByPolicy);
        Assert.Empty(errors);
        await context.DisposeAsync();
    }

    [Fact]
    public async Task Timeline_MemberRemovedWhileWatching_SaysSoAndStopsReconnecting()
    {
        var (projectId, manager, field) = await app.CreateTeamAsync("Breakwater");
        var (context, errors) = await chromium.NewContextAsync();
        context.SetDefaultTimeout(SlowMachineTimeoutMs);
        await context.SignInAsync(app, field.Email, field.Password);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, $"projects/{projectId}").ToString());
        var indicator = page.Locator("[data-connection]");
        await Expect(indicator).ToHaveAttributeAsync("data-state", "live");

        // The manager removes the worker on the members page, in another browser.
        var (managerContext, managerErrors) = await chromium.NewContextAsync();
        managerContext.SetDefaultTimeout(SlowMachineTimeoutMs);
        await managerContext.SignInAsync(app, manager.Email, manager.Password);
        var members = await managerContext.NewPageAsync();
        await members.GotoAsync(new Uri(app.BaseAddress, $"projects/{projectId}/members").ToString());
        await members.Locator($"form[action='/projects/{projectId}/members/{field.Id}/remove'] button").ClickAsync();
        // Removing asks first, naming what it does (issue 14, §5).
        await members.Locator("[data-confirm-ok]").ClickAsync();
        await Expect(members.Locator("body")).ToContainTextAsync($"{field.Email} is no longer a member of this project.");

        await Expect(indicator).ToHaveAttributeAsync("data-state", "revoked");
        await Expect(indicator).ToContainTextAsync("Removed from this project");
        await Expect(indicator).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("no longer a member"));
        // It does not keep knocking: after the longest retry delay it is still the same, final state.
        await page.WaitForTimeoutAsync(2_500);
        await Expect(indicator).ToHaveAttributeAsync("data-state", "revoked");
        Assert.Empty(errors);
        Assert.Empty(managerErrors);
        await context.DisposeAsync();
        await managerContext.DisposeAsync();
    }

    [Fact]
    public async Task SignOut_ThenOpeningAProject_RedirectsToTheLoginPage()
    {
        var (projectId, _, field) = await app.CreateTeamAsync("Quay");
        var (context, errors) = await chromium.NewContextAsync();
        context.SetDefaultTimeout(SlowMachineTimeoutMs);
        await context.SignInAsync(app, field.Email, field.Password);
        var page = await context.NewPageAsync();
        await page.GotoAsync(app.BaseAddress.ToString());
        // Field staff see their projects only, and no form to create one.
        await Expect(page.Locator($"[data-project-id='{projectId}']")).ToBeVisibleAsync();
        Assert.Equal(1, await page.Locator("[data-project-id]").CountAsync());
        await Expect(page.Locator("[data-create-project]")).ToHaveCountAsync(0);
        await page.GotoAsync(new Uri(app.BaseAddress, $"projects/{projectId}").ToString());
        await Expect(page.Locator("h1")).ToContainTextAsync("Quay", new() { Timeout = SlowMachineTimeoutMs });
        await Expect(page.Locator("[data-add-milestone]")).ToBeHiddenAsync(); // milestones are the managers' to add

        await page.ClickAsync("nav.account-nav button[type=submit]");
        await page.WaitForURLAsync("**/account/login");
        await page.GotoAsync(new Uri(app.BaseAddress, $"projects/{projectId}").ToString());

        Assert.Contains("/account/login", page.Url);
        Assert.Contains("ReturnUrl", page.Url);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Sign in");
        Assert.Empty(errors);
        await context.DisposeAsync();
    }

    [Fact]
    public async Task Upload_FailedThenPageReloaded_KeepsThePhotoQueuedAndStoresItOnce()
    {
        var (projectId, manager, field) = await app.CreateTeamAsync("Slipway");
        var (context, errors, photo) = await FieldWorkerWithPhotoAsync(field, "slipway.jpg");

        // The first send reaches the server and is stored, but its answer is lost (a slow success on a bad network);
        // later sends fail outright until the connection "comes back".
        var online = false;
        var attempts = 0;
        await context.RouteAsync($"**/api/projects/{projectId}/photos", async route =>
        {
            if (online) { await route.ContinueAsync(); return; }
            if (Interlocked.Increment(ref attempts) == 1) await route.FetchAsync();
            await route.AbortAsync("connectionreset");
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, $"projects/{projectId}/upload").ToString());
        await page.Locator("[data-picker]").SetInputFilesAsync(photo);
        await Expect(page.Locator(".upload-item[data-state='retrying']")).ToHaveCountAsync(1, new() { Timeout = 30_000 });

        await page.ReloadAsync();
        var item = page.Locator(".upload-item", new() { HasText = "slipway.jpg" });
        await Expect(item).ToHaveCountAsync(1);
        await Expect(item).ToHaveAttributeAsync("data-state", "retrying", new() { Timeout = 30_000 });
        await item.TryNowAsync(() => online = true);

        await Expect(item).ToHaveAttributeAsync("data-state", "accepted", new() { Timeout = 30_000 });
        await Expect(item).ToContainTextAsync("Uploaded");
        using var api = app.CreateClientWithToken(manager.Token);
        var project = await api.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/projects/{projectId}", TrackerApp.Json);
        Assert.Equal(1, project.GetProperty("photoCount").GetInt32());
        Assert.True(attempts >= 2, $"expected the failed sends to be retried, saw {attempts} attempt(s)");
        // Sent and answered for: the queue is empty, so another reload sends nothing more.
        await page.ReloadAsync();
        await Expect(page.Locator(".upload-item")).ToHaveCountAsync(0);
        Assert.Empty(errors);
        await context.DisposeAsync();
    }

    [Fact]
    public async Task Upload_QueuedPhotoRemoved_IsNeitherSentNorOfferedAfterAReload()
    {
        var (projectId, manager, field) = await app.CreateTeamAsync("Breakwater");
        var (context, errors, photo) = await FieldWorkerWithPhotoAsync(field, "breakwater.jpg");
        await context.RouteAsync($"**/api/projects/{projectId}/photos", route => route.AbortAsync("internetdisconnected"));
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, $"projects/{projectId}/upload").ToString());
        await page.Locator("[data-picker]").SetInputFilesAsync(photo);
        var item = page.Locator(".upload-item[data-state='retrying']");
        await Expect(item).ToHaveCountAsync(1, new() { Timeout = 30_000 });

        await item.GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Expect(page.Locator(".upload-item")).ToHaveCountAsync(0);
        await context.UnrouteAllAsync();
        await page.ReloadAsync();

        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Expect(page.Locator(".upload-item")).ToHaveCountAsync(0);
        using var api = app.CreateClientWithToken(manager.Token);
        var project = await api.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/projects/{projectId}", TrackerApp.Json);
        Assert.Equal(0, project.GetProperty("photoCount").GetInt32());
        Assert.Empty(errors);
        await context.DisposeAsync();
    }

    /// <summary>A signed-in browser of a field member of the project, and a photo on "the phone" to upload.</summary>
    private async Task<(IBrowserContext Context, List<string> Errors, string Photo)> FieldWorkerWithPhotoAsync(TestUser field, string fileName)
    {
        var photo = Path.Combine(Directory.CreateTempSubdirectory("imaginai-upload-").FullName, fileName);
        await File.WriteAllBytesAsync(photo, TestImages.QuadrantsJpeg(1024, 768));
        var (context, errors) = await chromium.NewContextAsync();
        context.SetDefaultTimeout(SlowMachineTimeoutMs);
        await context.SignInAsync(app, field.Email, field.Password);
        return (context, errors, photo);
    }

    [Fact]
    public async Task TimelinePage_WhenItsUsersPasswordIsReset_SaysSignedOutAndStopsReconnecting()
    {
        var manager = await app.CreateUserAsync(Roles.Manager);
        var projectId = await app.CreateProjectAsAsync(manager, "Reset while watching");
        var (context, errors) = await chromium.NewContextAsync();
        context.SetDefaultTimeout(SlowMachineTimeoutMs);
        await context.SignInAsync(app, manager.Email, manager.Password);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, $"projects/{projectId}").ToString());
        var indicator = page.Locator("[data-connection]");
        await Expect(indicator).ToHaveAttributeAsync("data-state", "live", new() { Timeout = SlowMachineTimeoutMs });

        using var admin = ImaginAI.Tests.Integration.Timeline.LiveAccess.Browser(app);
        await admin.PostLoginAsync(TrackerApp.AdminEmail, TrackerApp.AdminPassword);
        var reset = await admin.PostAsync($"/admin/users/{manager.Id}/password",
            AccountsTestSupport.Form(await admin.GetFormTokenAsync("/admin/users"), ("password", "set by the admin 2026")));
        reset.EnsureSuccessStatusCode();

        await Expect(indicator).ToHaveAttributeAsync("data-state", "signedOut", new() { Timeout = SlowMachineTimeoutMs });
        await Expect(indicator).ToContainTextAsync("Signed out");
        Assert.Empty(errors);
        await context.DisposeAsync();
    }
}
