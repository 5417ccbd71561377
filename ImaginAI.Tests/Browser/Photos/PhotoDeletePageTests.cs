using ImaginAI.Tests.Browser.Accounts;
using ImaginAI.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImaginAI.Tests.Browser.Photos;

/// <summary>Deleting and restoring a photo from its page (issue 14, §5), watched live on the timeline, in Debian's chromium.</summary>
public sealed class PhotoDeletePageTests(KestrelTrackerApp app, ChromiumBrowser chromium)
    : IClassFixture<KestrelTrackerApp>, IClassFixture<ChromiumBrowser>
{
    [Theory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task PhotoPage_DeleteConfirmedThenRestore_TimelineFollowsLiveAndFocusLandsOnTheNextAction(int width, int height)
    {
        using var api = app.CreateClient();
        var projectId = (await app.CreateProjectAsync($"Quay steps {width}", api)).GetProperty("id").GetInt64();
        var photoId = await app.UploadOneAsync(projectId, "IMG_2231.jpg", RealPhotos.Read("Wood.jpg"), client: api);
        await app.WaitUntilDecidedAsync(photoId, TimeSpan.FromMinutes(2), api);

        var (context, errors) = await chromium.NewContextAsync(width, height);
        await context.SignInAsync(app);
        var timeline = await context.NewPageAsync();
        await timeline.GotoAsync(new Uri(app.BaseAddress, $"projects/{projectId}").ToString());
        await Expect(timeline.Locator("[data-connection]")).ToHaveAttributeAsync("data-state", "live");
        var tile = timeline.Locator($"[data-photo-id='{photoId}']");
        await Expect(tile).ToBeVisibleAsync();

        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, $"photos/{photoId}").ToString());
        await Expect(page.Locator("[data-connection]")).ToHaveAttributeAsync("data-state", "live");
        var delete = page.Locator("[data-delete-photo]");
        await Expect(delete).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bdanger\\b"));

        // Cancelling does nothing, and focus goes back to the button.
        await delete.ClickAsync();
        var dialog = page.Locator("[data-confirm-dialog]");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog).ToContainTextAsync("Delete IMG_2231.jpg?");
        await Expect(dialog).ToContainTextAsync("restore it from this page for 30 days");
        await Expect(page.Locator("[data-confirm-cancel]")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(delete).ToBeFocusedAsync();
        Assert.Equal(JsonNull, (await app.GetPhotoAsync(photoId, api)).GetProperty("deletedAt").ValueKind);

        await delete.ClickAsync();
        await page.Locator("[data-confirm-ok]").ClickAsync();
        await Expect(page.Locator("[data-deleted-banner]")).ToContainTextAsync("This photo was deleted");
        await Expect(page.Locator("[data-restore-photo]")).ToBeFocusedAsync();
        await Expect(page.Locator("[data-milestone-form]")).ToBeHiddenAsync();
        await Expect(tile).ToHaveCountAsync(0);
        Assert.True(await page.FitsWidthAsync(), "The photo page scrolls sideways.");
        if (width > 500) await page.ScreenshotAsync(new() { Path = ReadmeScreenshot.PathFor("photo-deleted.png"), Animations = ScreenshotAnimations.Disabled });

        await page.Locator("[data-restore-photo]").ClickAsync();
        await Expect(page.Locator("[data-tidy-status]")).ToHaveTextAsync("Restored: the photo is back on the timeline and in search.");
        await Expect(page.Locator("[data-deleted-banner]")).ToBeHiddenAsync();
        await Expect(page.Locator("[data-delete-photo]")).ToBeFocusedAsync();
        await Expect(timeline.Locator($"[data-photo-id='{photoId}']")).ToBeVisibleAsync();

        Assert.Empty(errors);
        await context.DisposeAsync();
    }

    private const System.Text.Json.JsonValueKind JsonNull = System.Text.Json.JsonValueKind.Null;

}
