using System.Collections.Concurrent;
using ImaginAI.Tests.Browser.Accounts;
using ImaginAI.Tests.Integration;
using ImaginAI.Tests.Integration.Accounts;
using ImaginAI.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImaginAI.Tests.Browser.Photos;

/// <summary>
/// The photo page of a revisit in Debian's chromium, at phone and desktop sizes: one keypoint count for one pair,
/// plain labels with the raw figures behind "Details", the before/after dragged on the photo (mouse, touch and
/// keyboard), previous/next along the timeline, the original downloaded, the history kept after a correction, and
/// no "best earlier match" for a photo of somewhere else.
/// </summary>
public sealed class PhotoComparePageTests(KestrelTrackerApp app, ChromiumBrowser chromium)
    : IClassFixture<KestrelTrackerApp>, IClassFixture<ChromiumBrowser>
{
    private sealed record Site(TestTeam Team, long Milestone, long Reference, long Later, byte[] LaterBytes);

    // One project for the class's read-only checks (the app fixture is shared by its tests); a test that changes a
    // photo uploads its own.
    private static readonly ConcurrentDictionary<KestrelTrackerApp, Lazy<Task<Site>>> Sites = new();

    private Task<Site> SiteAsync() => Sites.GetOrAdd(app, _ => new(async () =>
    {
        var team = await app.CreateTeamAsync("Quay");
        using var manager = app.CreateClientWithToken(team.Manager.Token);
        var milestone = await app.AddMilestoneAsync(team.ProjectId, "Decking", manager);
        var reference = await app.UploadOneAsync(team.ProjectId, "decking.jpg", RealPhotos.Read("Wood.jpg"), milestone, manager);
        await app.WaitUntilDecidedAsync(reference, TimeSpan.FromMinutes(2), manager);
        var laterBytes = PhotoVariants.SecondVisit(RealPhotos.Read("Wood.jpg"));
        var later = await app.UploadOneAsync(team.ProjectId, "decking-later.jpg", laterBytes, client: manager);
        await app.WaitUntilDecidedAsync(later, TimeSpan.FromMinutes(2), manager);
        return new Site(team, milestone, reference, later, laterBytes);
    })).Value;

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task PhotoPage_RevisitOfAReference_OneKeypointCountPlainLabelsAndRawFiguresBehindDetails(int width, int height)
    {
        var site = await SiteAsync();
        var (context, errors) = await chromium.NewContextAsync(width, height);
        await context.SignInAsync(app, site.Team.Field.Email, site.Team.Field.Password);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, $"photos/{site.Later}").ToString());

        var explanation = page.Locator("[data-explanation]");
        await Expect(explanation).ToContainTextAsync("line up with a reference photo of \"Decking\"");
        foreach (var label in new[] { "How alike the photos look", "How much better than the next milestone", "Points that line up" })
            await Expect(explanation.Locator("dt", new() { HasTextString = label })).ToBeVisibleAsync();
        // The decision and the before/after verify the same pair the same way: one number.
        await Expect(page.Locator("[data-wipe-caption]")).ToContainTextAsync("points that line up with decking.jpg");
        var decided = await explanation.Locator("[data-explanation-inliers]").GetAttributeAsync("data-explanation-inliers");
        Assert.Equal(decided, await page.Locator("[data-wipe-caption]").GetAttributeAsync("data-compare-inliers"));
        Assert.Contains($"Aligned on {decided} points", await page.Locator("[data-wipe-caption]").TextContentAsync());
        var numbers = System.Text.RegularExpressions.Regex.Matches(await page.Locator("main").InnerTextAsync(), @"(\d+) points (?:of this photo |that )?line up")
            .Select(m => m.Groups[1].Value).ToList();
        Assert.True(numbers.Count >= 2 && numbers.All(n => n == decided), $"keypoint counts on the page: {string.Join(", ", numbers)}; decided on {decided}");

        // The jargon stays behind the toggle.
        var raw = explanation.Locator("[data-explanation-raw]");
        await Expect(raw).Not.ToBeVisibleAsync();
        var plain = string.Join(" ", await explanation.Locator("[data-explanation-text], [data-explanation-facts]").AllInnerTextsAsync());
        Assert.DoesNotContain("CNN", plain);
        Assert.DoesNotContain("keypoint", plain);
        await explanation.Locator("summary", new() { HasTextString = "Details" }).ClickAsync();
        await Expect(raw).ToContainTextAsync("CNN score");
        await Expect(raw.Locator("[data-explanation-basis]")).ToHaveTextAsync("verified");

        await page.Locator("[data-keypoints-toggle]").CheckAsync();
        await Expect(page.Locator("[data-keypoint-lines] line").First).ToBeAttachedAsync();
        Assert.True(await page.FitsWidthAsync(), "the photo page scrolls sideways: " + await page.EvaluateAsync<string>(
            "() => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className + '[' + Math.round(e.getBoundingClientRect().right) + ']').join(', ')"));
        if (width < 500)
        {
            // A full-page shot of a scrolled page would paint the sticky top bar mid-page.
            await page.EvaluateAsync("() => window.scrollTo({ top: 0, behavior: 'instant' })");
            await page.ScreenshotAsync(new() { Path = ReadmeScreenshot.PathFor("photo-compare-phone.png"), FullPage = true, Scale = ScreenshotScale.Css, Animations = ScreenshotAnimations.Disabled });
        }
        Assert.Empty(errors);
        await context.DisposeAsync();
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task PhotoPage_BeforeAfter_MovesByDraggingOnThePhotoAndByKeyboard(int width, int height)
    {
        var site = await SiteAsync();
        var (context, errors) = await chromium.NewContextAsync(width, height);
        await context.SignInAsync(app, site.Team.Field.Email, site.Team.Field.Password);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, $"photos/{site.Later}").ToString());
        var wipe = page.Locator("[data-wipe]");
        var handle = page.Locator("[data-wipe-handle]");
        await Expect(wipe).ToBeVisibleAsync();
        await Expect(page.Locator("[data-wipe-after]")).ToHaveJSPropertyAsync("complete", true);
        await wipe.ScrollIntoViewIfNeededAsync();
        var box = (await wipe.BoundingBoxAsync())!;
        var middle = box.Y + box.Height / 2;

        // The mouse, pressed on the photo itself, carries the wipe along.
        await page.Mouse.MoveAsync(box.X + box.Width * 0.2f, middle);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + box.Width * 0.5f, middle, new() { Steps = 4 });
        await page.Mouse.MoveAsync(box.X + box.Width * 0.8f, middle, new() { Steps = 4 });
        await page.Mouse.UpAsync();
        await Expect(handle).ToHaveAttributeAsync("aria-valuenow", "80");
        Assert.Equal("inset(0px 20% 0px 0px)", await page.Locator("[data-wipe-before]").EvaluateAsync<string>("e => getComputedStyle(e).clipPath"));

        // By touch: a finger dragged across the photo, through the browser's own touch input.
        if (width < 500)
        {
            var cdp = await context.NewCDPSessionAsync(page);
            async Task TouchAsync(string type, float fraction) => await cdp.SendAsync("Input.dispatchTouchEvent", new Dictionary<string, object>
            {
                ["type"] = type,
                ["touchPoints"] = type == "touchEnd" ? Array.Empty<object>() : new object[] { new Dictionary<string, object> { ["x"] = box.X + box.Width * fraction, ["y"] = middle } },
            });
            await TouchAsync("touchStart", 0.6f);
            foreach (var step in new[] { 0.5f, 0.4f, 0.3f }) await TouchAsync("touchMove", step);
            await TouchAsync("touchEnd", 0.3f);
            await Expect(handle).ToHaveAttributeAsync("aria-valuenow", "30");
        }

        // And from the keyboard, on the handle.
        await handle.FocusAsync();
        await page.Keyboard.PressAsync("Home");
        await Expect(handle).ToHaveAttributeAsync("aria-valuenow", "0");
        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(handle).ToHaveAttributeAsync("aria-valuenow", "5");
        Assert.Empty(errors);
        await context.DisposeAsync();
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task PhotoPage_PreviousNextAndDownload_FollowTheTimelineAndGiveTheOriginal(int width, int height)
    {
        var site = await SiteAsync();
        var (context, errors) = await chromium.NewContextAsync(width, height);
        await context.SignInAsync(app, site.Team.Field.Email, site.Team.Field.Password);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, $"photos/{site.Later}").ToString());

        // Other tests of the class may have added later photos: this one stays second, after its reference.
        await Expect(page.Locator("[data-photo-position]")).ToContainTextAsync("Photo 2 of ");
        await page.Locator("[data-previous-photo]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(app.BaseAddress, $"photos/{site.Reference}").ToString());
        await Expect(page.Locator("[data-file-name]")).ToHaveTextAsync("decking.jpg");
        await Expect(page.Locator("[data-photo-position]")).ToContainTextAsync("Photo 1 of ");
        await Expect(page.Locator("[data-previous-photo]")).ToHaveCountAsync(0);
        await page.Locator("[data-next-photo]").ClickAsync();
        await Expect(page.Locator("[data-file-name]")).ToHaveTextAsync("decking-later.jpg");

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-download-original]").ClickAsync(), new() { Timeout = 120_000 });
        Assert.Equal("decking-later.jpg", download.SuggestedFilename);
        Assert.Equal(site.LaterBytes, await File.ReadAllBytesAsync((await download.PathAsync())!));
        using var api = app.CreateClientWithToken(site.Team.Field.Token);
        using var response = await api.GetAsync($"/api/photos/{site.Later}/file?download=true");
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Empty(errors);
        await context.DisposeAsync();
    }

    [Fact]
    public async Task PhotoPage_ManagerCorrectsTheMatch_HistoryKeepsTheAutomaticDecisionAndItsReasons()
    {
        var site = await SiteAsync();
        using var manager = app.CreateClientWithToken(site.Team.Manager.Token);
        var photo = await app.UploadOneAsync(site.Team.ProjectId, "decking-third.jpg", PhotoVariants.Crop(RealPhotos.Read("Wood.jpg"), 0.8f), client: manager);
        Assert.Equal("matched", (await app.WaitUntilDecidedAsync(photo, TimeSpan.FromMinutes(2), manager)).GetProperty("status").GetString());

        var (context, errors) = await chromium.NewContextAsync(1280, 900);
        await context.SignInAsync(app, site.Team.Manager.Email, site.Team.Manager.Password);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, $"photos/{photo}").ToString());
        await Expect(page.Locator("[data-history-list] li")).ToHaveCountAsync(1);
        var reason = await page.Locator("[data-explanation-text]").TextContentAsync();

        await page.Locator("[data-milestone-select]").SelectOptionAsync("");
        await page.Locator("[data-milestone-form] button[type=submit]").ClickAsync();
        await Expect(page.Locator("[data-form-ok]")).ToContainTextAsync("back in \"Needs review\"");

        var entries = page.Locator("[data-history-list] li");
        await Expect(entries).ToHaveCountAsync(2);
        await Expect(entries.Nth(0)).ToHaveAttributeAsync("data-decision-source", "auto");
        await Expect(entries.Nth(0)).ToContainTextAsync("Matched automatically to \"Decking\"");
        await Expect(entries.Nth(0)).ToContainTextAsync(reason!);
        await Expect(entries.Nth(1)).ToContainTextAsync($"{site.Team.Manager.Email} sent it back to review");
        // The reasons stay in view, with the correction beside them; and after a reload.
        await Expect(page.Locator("[data-explanation-text]")).ToHaveTextAsync(reason!);
        await Expect(page.Locator("[data-explanation-since]")).ToContainTextAsync("sent it back to review");
        await page.ReloadAsync();
        await Expect(page.Locator("[data-history-list] li")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-explanation-text]")).ToHaveTextAsync(reason!);
        Assert.Empty(errors);
        await context.DisposeAsync();
    }

    [Fact]
    public async Task PhotoPage_PhotoOfSomewhereElse_ShowsNoBestEarlierMatch()
    {
        var site = await SiteAsync();
        using var manager = app.CreateClientWithToken(site.Team.Manager.Token);
        var elsewhere = await app.UploadOneAsync(site.Team.ProjectId, "car-park.jpg", PhotoVariants.Resize(RealPhotos.Read("Dune.jpg"), 0.5f), client: manager);
        var decided = await app.WaitUntilDecidedAsync(elsewhere, TimeSpan.FromMinutes(2), manager);
        // The vectors always find a most-alike earlier photo (re-encoded, the photo has no EXIF time and is the latest);
        // it is not the same place.
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, decided.GetProperty("matchedPhotoId").ValueKind);

        var (context, errors) = await chromium.NewContextAsync(390, 844);
        await context.SignInAsync(app, site.Team.Field.Email, site.Team.Field.Password);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, $"photos/{elsewhere}").ToString());

        await Expect(page.Locator("[data-compare-none]")).ToHaveTextAsync("No earlier photo shows the same place yet.");
        await Expect(page.Locator("[data-compare-found]")).Not.ToBeVisibleAsync();
        await Expect(page.Locator("[data-compare-score]")).Not.ToBeVisibleAsync();
        Assert.Empty(errors);
        await context.DisposeAsync();
    }
}
