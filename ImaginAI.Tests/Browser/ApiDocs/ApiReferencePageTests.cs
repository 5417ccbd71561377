using ImaginAI.Tests.Browser.Accounts;
using ImaginAI.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImaginAI.Tests.Browser.ApiDocs;

/// <summary>The interactive API reference (Scalar) in chromium, for a signed-in user.</summary>
public sealed class ApiReferencePageTests(KestrelTrackerApp app, ChromiumBrowser chromium)
    : IClassFixture<KestrelTrackerApp>, IClassFixture<ChromiumBrowser>
{
    [Fact]
    public async Task ApiDocs_SignedIn_ShowsTheOperationsOfTheDocumentWithoutErrors()
    {
        var (context, errors) = await chromium.NewContextAsync();
        await context.SignInAsync(app);
        var page = await context.NewPageAsync();
        var refused = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") refused.Add(message.Text); };
        page.RequestFailed += (_, request) => refused.Add($"{request.Url}: {request.Failure}");

        await page.GotoAsync(new Uri(app.BaseAddress, "api/docs").ToString());

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "ImaginAI Tracker API" }).First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Test Request (post /api/projects)" })).ToBeAttachedAsync();
        await page.ScreenshotAsync(new() { Path = ReadmeScreenshot.PathFor("api-docs.png"), Animations = ScreenshotAnimations.Disabled });
        Assert.Empty(errors);
        Assert.Empty(refused);
        await context.DisposeAsync();
    }
}
