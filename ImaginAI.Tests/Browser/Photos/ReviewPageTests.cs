using ImaginAI.Tests.Browser.Accounts;
using ImaginAI.Tests.Integration;
using ImaginAI.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImaginAI.Tests.Browser.Photos;

/// <summary>Review at a busy manager's pace (issue 14, §2): keyboard multi-select, 1–9 to file, focus on the next photo, live timeline.</summary>
public sealed class ReviewPageTests(KestrelTrackerApp app, ChromiumBrowser chromium)
    : IClassFixture<KestrelTrackerApp>, IClassFixture<ChromiumBrowser>
{
    [Theory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task ReviewPage_SelectTwoWithKeysAndPress1ThenSaveAndNext_FiledInOneRequestEachAndTimelineFollows(int width, int height)
    {
        using var api = app.CreateClient();
        var projectId = (await app.CreateProjectAsync($"Sea wall review {width}", api)).GetProperty("id").GetInt64();
        var ids = new List<long>();
        foreach (var file in new[] { "Aqua.jpg", "Wood.jpg", "Blinds.jpg" })
            ids.Add(await app.UploadOneAsync(projectId, file, RealPhotos.Read(file), client: api));
        foreach (var id in ids) await app.WaitUntilDecidedAsync(id, TimeSpan.FromMinutes(2), api);
        var piling = await app.AddMilestoneAsync(projectId, "Piling", api);
        var capping = await app.AddMilestoneAsync(projectId, "Capping beam", api);

        var (context, errors) = await chromium.NewContextAsync(width, height);
        await context.SignInAsync(app);
        var timeline = await context.NewPageAsync();
        await timeline.GotoAsync(new Uri(app.BaseAddress, $"projects/{projectId}").ToString());
        await Expect(timeline.Locator("[data-connection]")).ToHaveAttributeAsync("data-state", "live");
        await timeline.Locator("[data-review-link]").ClickAsync();
        await timeline.WaitForURLAsync($"**/projects/{projectId}/review");
        var page = timeline;
        await Expect(page.Locator("[data-connection]")).ToHaveAttributeAsync("data-state", "live");
        var tiles = page.Locator("[data-review-grid] [role=option]");
        await Expect(tiles).ToHaveCountAsync(3);
        await Expect(page.Locator("[data-review-milestones] button")).ToHaveTextAsync(["1 Piling", "2 Capping beam"]);

        var watcher = await context.NewPageAsync();
        await watcher.GotoAsync(new Uri(app.BaseAddress, $"projects/{projectId}").ToString());
        await Expect(watcher.Locator("[data-connection]")).ToHaveAttributeAsync("data-state", "live");

        await tiles.First.FocusAsync();
        await page.Keyboard.PressAsync(" ");
        await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.PressAsync(" ");
        await Expect(page.Locator("[data-selection-text]")).ToHaveTextAsync("2 photos selected: choose the milestone they show.");
        await Expect(page.Locator("[aria-selected=true]")).ToHaveCountAsync(2);
        await page.Keyboard.PressAsync("1");

        await Expect(page.Locator("[data-review-status]")).ToHaveTextAsync("Filed 2 photos under \"Piling\".");
        await Expect(tiles).ToHaveCountAsync(1);
        await Expect(tiles.First).ToBeFocusedAsync();
        await Expect(watcher.Locator($"[data-milestone-id='{piling}'] .thumb")).ToHaveCountAsync(2);
        if (width > 500) await page.ScreenshotAsync(new() { Path = ReadmeScreenshot.PathFor("review.png"), Animations = ScreenshotAnimations.Disabled });

        // Nothing selected: the key files the current photo and moves on ("save and next").
        await page.Keyboard.PressAsync("2");
        await Expect(page.Locator("[data-review-status]")).ToHaveTextAsync("Filed 1 photo under \"Capping beam\". Nothing left to review.");
        await Expect(page.Locator("[data-review-status]")).ToBeFocusedAsync();
        await Expect(watcher.Locator($"[data-milestone-id='{capping}'] .thumb")).ToHaveCountAsync(1);
        await Expect(watcher.Locator("[data-lane='unmatched'] [data-empty]")).ToBeVisibleAsync();
        Assert.Equal(2L, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'milestone-decided' AND project_id = @projectId", new { projectId }));
        Assert.True(await page.FitsWidthAsync(),
            "The review page scrolls sideways.");

        Assert.Empty(errors);
        await context.DisposeAsync();
    }
}
