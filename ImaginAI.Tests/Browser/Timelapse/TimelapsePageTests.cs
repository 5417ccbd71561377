using ImaginAI.Tests.Browser.Accounts;
using ImaginAI.Tests.Integration.Timelapse;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Cli;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImaginAI.Tests.Browser.Timelapse;

/// <summary>
/// The time-lapse page playing and scrubbing through the aligned visits of a spot, and the photo page's "what
/// changed" overlay, in Debian's chromium at phone and desktop sizes, on real photos.
/// </summary>
public sealed class TimelapsePageTests(KestrelTrackerApp app, ChromiumBrowser chromium)
    : IClassFixture<KestrelTrackerApp>, IClassFixture<ChromiumBrowser>
{
    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task TimelapsePage_ThreeVisits_PlaysAndScrubsThroughDatedFrames(int width, int height)
    {
        using var client = app.CreateClient();
        var projectId = (await app.CreateProjectAsync($"Boardwalk {width}", client)).GetProperty("id").GetInt64();
        var first = TimelapseScenario.FirstVisit;
        var reference = await TimelapseScenario.UploadTakenAsync(client, projectId, "deck-1.jpg", RealPhotos.Read("Wood.jpg"), first);
        var second = await TimelapseScenario.UploadTakenAsync(client, projectId, "deck-2.jpg", TimelapseScenario.Revisit("Wood.jpg", 2), first.AddDays(14));
        var third = await TimelapseScenario.UploadTakenAsync(client, projectId, "deck-3.jpg", TimelapseScenario.Revisit("Wood.jpg", 3), first.AddDays(28));
        var elsewhere = await TimelapseScenario.UploadTakenAsync(client, projectId, "meadow.jpg", RealPhotos.Read("GreenMeadow.jpg"), first.AddDays(20));
        foreach (var id in new[] { reference, second, third, elsewhere }) await app.WaitUntilDecidedAsync(id, TimeSpan.FromMinutes(2), client);

        var (context, errors) = await chromium.NewContextAsync(width, height);
        await context.SignInAsync(app);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, $"photos/{reference}").ToString());
        await page.Locator("[data-timelapse-link]").ClickAsync();

        // Made in the background while the page shows progress, then the first frame.
        await Expect(page.Locator("[data-timelapse-page]")).ToHaveAttributeAsync("data-status", "ready", new() { Timeout = 120_000 });
        await Expect(page.Locator("[data-timelapse-image]")).ToHaveAttributeAsync("data-frame", "0");
        await Expect(page.Locator("[data-timelapse-caption]")).ToContainTextAsync("deck-1.jpg");
        await Expect(page.Locator("[data-timelapse-left-out]")).ToContainTextAsync("1 later photo of this project was left out");
        await Expect(page.Locator("[data-timelapse-scrubber]")).ToHaveAttributeAsync("max", "2");

        // Scrubbing to the last frame names its photo and date.
        await page.Locator("[data-timelapse-scrubber]").FillAsync("2");
        await Expect(page.Locator("[data-timelapse-image]")).ToHaveAttributeAsync("data-frame", "2");
        await Expect(page.Locator("[data-timelapse-caption]")).ToContainTextAsync("deck-3.jpg");
        await Expect(page.Locator("[data-timelapse-position]")).ToContainTextAsync("3 of 3");
        await Expect(page.Locator("[data-timelapse-image]")).ToHaveJSPropertyAsync("complete", true, new() { Timeout = 30_000 });
        Assert.True(await page.Locator("[data-timelapse-image]").EvaluateAsync<bool>("img => img.naturalWidth > 0"));

        // Playing starts again from the first frame and steps through the visits. The frames shown are recorded in the
        // page: on a busy machine a frame can be on screen for less time than a check from outside takes.
        await page.Locator("[data-timelapse-image]").EvaluateAsync("""
            img => {
              window.framesShown = [];
              new MutationObserver(() => {
                if (window.framesShown.at(-1) !== img.dataset.frame) window.framesShown.push(img.dataset.frame);
              }).observe(img, { attributeFilter: ['data-frame'] });
            }
            """);
        await page.Locator("[data-timelapse-play]").ClickAsync();
        // It stops at the last frame.
        await Expect(page.Locator("[data-timelapse-play]")).ToHaveAttributeAsync("aria-pressed", "false", new() { Timeout = 30_000 });
        await Expect(page.Locator("[data-timelapse-image]")).ToHaveAttributeAsync("data-frame", "2");
        Assert.Equal(["0", "1", "2"], await page.EvaluateAsync<string[]>("() => window.framesShown"));

        var video = await page.Locator("[data-timelapse-video]").GetAttributeAsync("href");
        Assert.Equal($"/api/photos/{reference}/timelapse/video", video);
        if (width > 1000)
        {
            await page.Locator("[data-timelapse-scrubber]").FillAsync("1");
            await page.ScreenshotAsync(new() { Path = ReadmeScreenshot.PathFor("timelapse-desktop.png"), FullPage = true, Animations = ScreenshotAnimations.Disabled });
        }
        Assert.Empty(errors);
        await context.DisposeAsync();
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task PhotoPage_ChangeOverlayToggle_OffByDefaultThenMarksWhatChanged(int width, int height)
    {
        using var client = app.CreateClient();
        var projectId = (await app.CreateProjectAsync($"Quay {width}", client)).GetProperty("id").GetInt64();
        var milestone = await app.AddMilestoneAsync(projectId, "Decking", client);
        var pair = ChangePairs.Make(RealPhotos.Read("Wood.jpg"), RealPhotos.Read("YellowFlower.jpg"), 42, 0.8f, 0.05f);
        var before = await TimelapseScenario.UploadTakenAsync(client, projectId, "before.jpg", pair.Before, TimelapseScenario.FirstVisit, milestone);
        await app.WaitUntilDecidedAsync(before, TimeSpan.FromMinutes(2), client);
        var after = await TimelapseScenario.UploadTakenAsync(client, projectId, "after.jpg", pair.After, TimelapseScenario.FirstVisit.AddDays(5));
        await app.WaitUntilDecidedAsync(after, TimeSpan.FromMinutes(2), client);

        var (context, errors) = await chromium.NewContextAsync(width, height);
        await context.SignInAsync(app);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, $"photos/{after}").ToString());
        await Expect(page.Locator("[data-wipe-caption]")).ToContainTextAsync("Aligned on");

        // Off by default, with a sentence saying what it shows.
        var toggle = page.GetByLabel("Show what changed");
        await Expect(toggle).ToBeVisibleAsync();
        await Expect(toggle).Not.ToBeCheckedAsync();
        await Expect(page.Locator("[data-change-overlay-control]")).ToContainTextAsync("differ from the earlier one once both are lined up");
        await Expect(page.Locator("[data-change-overlay]")).ToHaveCountAsync(0);

        await toggle.CheckAsync();
        var overlay = page.Locator("[data-wipe] [data-change-overlay]");
        await Expect(overlay).ToBeAttachedAsync(new() { Timeout = 30_000 });
        Assert.True(int.Parse((await overlay.GetAttributeAsync("data-change-overlay"))!) >= 1);
        await Expect(page.Locator("[data-change-summary]")).ToContainTextAsync("changed");
        // Laid exactly over the before/after.
        // Through locators, which wait for the overlay if the page redraws it meanwhile (as when it goes live).
        var wipeBox = (await page.Locator("[data-wipe]").BoundingBoxAsync())!;
        var overlayBox = (await overlay.BoundingBoxAsync())!;
        Assert.Equal(wipeBox.Width, overlayBox.Width, 1.0);
        Assert.Equal(wipeBox.Height, overlayBox.Height, 1.0);
        if (width > 1000)
            await page.Locator("[data-wipe-section]").ScreenshotAsync(new() { Path = ReadmeScreenshot.PathFor("change-overlay.png"), Animations = ScreenshotAnimations.Disabled });

        await toggle.UncheckAsync();
        await Expect(page.Locator("[data-change-overlay]")).ToHaveCountAsync(0);
        Assert.Empty(errors);
        await context.DisposeAsync();
    }
}
