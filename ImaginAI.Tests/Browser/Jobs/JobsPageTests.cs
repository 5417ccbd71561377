using ImaginAI.Tests.Browser.Accounts;
using ImaginAI.Tests.Integration.Operations;
using ImaginAI.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImaginAI.Tests.Browser.Jobs;

/// <summary>An admin's jobs page in chromium.</summary>
public sealed class JobsPageTests(KestrelTrackerApp app, ChromiumBrowser chromium)
    : IClassFixture<KestrelTrackerApp>, IClassFixture<ChromiumBrowser>
{
    [Fact]
    public async Task JobsPage_RetryOnAFailedPhoto_QueuesItAgainAndItIsDecided()
    {
        var admin = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Storage outage", admin)).GetProperty("id").GetInt64();
        var photoId = await app.UploadAndFailAsync(projectId, "garden.jpg", RealPhotos.Read("Garden.jpg"), admin);

        var (context, errors) = await chromium.NewContextAsync();
        await context.SignInAsync(app);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "admin/jobs").ToString());

        var row = page.Locator($"[data-failed-photo='{photoId}']");
        await Expect(row).ToContainTextAsync("missing");
        await Expect(page.Locator($"[data-project='{projectId}'] [data-status='failed']")).ToHaveTextAsync("1");
        await page.ScreenshotAsync(new() { Path = ReadmeScreenshot.PathFor("jobs.png"), FullPage = true, Animations = ScreenshotAnimations.Disabled });
        await row.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();

        await Expect(page.Locator("[data-jobs-message]")).ToContainTextAsync($"Photo {photoId} is queued again.");
        var decided = await app.WaitUntilDecidedAsync(photoId, client: admin);
        Assert.Contains(decided.GetProperty("status").GetString(), new[] { "matched", "unmatched" });
        await page.GotoAsync(new Uri(app.BaseAddress, "admin/jobs").ToString());
        await Expect(page.Locator($"[data-failed-photo='{photoId}']")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-project='all'] [data-status='failed']")).ToHaveTextAsync("0");

        Assert.Empty(errors);
        await context.DisposeAsync();
    }
}
