using System.Globalization;
using System.Net.Http.Json;
using ImaginAI.Tests.Browser.Accounts;
using ImaginAI.Tests.Integration;
using ImaginAI.Tests.Integration.Accounts;
using ImaginAI.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImaginAI.Tests.Browser.Photos;

/// <summary>
/// A thumbnail's caption says what the photo is and who uploaded it (issue 14, §3), the same words wherever a
/// thumbnail is shown: timeline lanes, gallery, review mode, search results and the photo page's best earlier match,
/// at phone and desktop sizes in Debian's chromium.
/// </summary>
public sealed class ThumbnailCaptionPageTests(KestrelTrackerApp app, ChromiumBrowser chromium)
    : IClassFixture<KestrelTrackerApp>, IClassFixture<ChromiumBrowser>
{
    private const float SlowMachineTimeoutMs = 30_000;

    [Theory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task EveryThumbnail_ReferenceMatchedManagerAndReviewPhotos_CaptionSaysWhatAndWhoUploaded(int width, int height)
    {
        var team = await app.CreateTeamAsync($"Pier {width}");
        using var manager = app.CreateClientWithToken(team.Manager.Token);
        using var field = app.CreateClientWithToken(team.Field.Token);
        var decking = await app.AddMilestoneAsync(team.ProjectId, "Decking", manager);
        var reference = await app.UploadOneAsync(team.ProjectId, "decking.jpg", RealPhotos.Read("Wood.jpg"), decking, manager);
        await app.WaitUntilDecidedAsync(reference, TimeSpan.FromMinutes(2), manager);
        var revisitBytes = PhotoVariants.SecondVisit(RealPhotos.Read("Wood.jpg"));
        var matched = await app.UploadOneAsync(team.ProjectId, "decking-later.jpg", revisitBytes, client: field);
        var review = await app.UploadOneAsync(team.ProjectId, "puddle.jpg", RealPhotos.Read("Aqua.jpg"), client: field);
        var filed = await app.UploadOneAsync(team.ProjectId, "blinds.jpg", RealPhotos.Read("Blinds.jpg"), client: field);
        var decided = await app.WaitUntilDecidedAsync(matched, TimeSpan.FromMinutes(2), field);
        Assert.Equal("matched", decided.GetProperty("status").GetString());
        await app.WaitUntilDecidedAsync(review, TimeSpan.FromMinutes(2), field);
        await app.WaitUntilDecidedAsync(filed, TimeSpan.FromMinutes(2), field);
        (await manager.PutAsJsonAsync($"/api/photos/{filed}/milestone", new { milestoneId = decking })).EnsureSuccessStatusCode();
        var percent = Math.Round(decided.GetProperty("milestoneScore").GetDouble() * 100, MidpointRounding.AwayFromZero).ToString(CultureInfo.InvariantCulture);

        var expected = new Dictionary<long, string>
        {
            [reference] = $"Reference · by {team.Manager.Email}",
            [matched] = $"Matched, {percent}% alike · by {team.Field.Email}",
            [filed] = $"Set by a manager · by {team.Field.Email}",
            [review] = $"In review · by {team.Field.Email}",
        };

        var (context, errors) = await chromium.NewContextAsync(width, height);
        context.SetDefaultTimeout(SlowMachineTimeoutMs);
        await context.SignInAsync(app, team.Manager.Email, team.Manager.Password);
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(app.BaseAddress, $"projects/{team.ProjectId}").ToString());
        foreach (var (id, caption) in expected)
            await Expect(page.Locator($".thumb[data-photo-id='{id}'] [data-caption]")).ToHaveTextAsync(caption);
        await Expect(page.Locator($"[data-lane='unmatched'] .thumb[data-photo-id='{review}']")).ToBeVisibleAsync();
        Assert.True(await page.FitsWidthAsync(), "The timeline scrolls sideways. " + await page.OverflowingAsync());

        await page.GotoAsync(new Uri(app.BaseAddress, $"projects/{team.ProjectId}/gallery").ToString());
        await Expect(page.Locator("[data-gallery-grid] .thumb")).ToHaveCountAsync(4);
        foreach (var (id, caption) in expected)
            await Expect(page.Locator($"[data-gallery-grid] .thumb[data-photo-id='{id}'] [data-caption]")).ToHaveTextAsync(caption);
        Assert.True(await page.FitsWidthAsync(), "The gallery scrolls sideways. " + await page.OverflowingAsync());
        if (width > 500)
        {
            await page.Locator("[data-gallery-grid] img").EvaluateAllAsync<bool>(
                "images => Promise.all(images.map(i => i.complete ? true : new Promise(done => { i.onload = i.onerror = done; }))).then(() => true)");
            await page.ScreenshotAsync(new() { Path = ReadmeScreenshot.PathFor("gallery.png"), Animations = ScreenshotAnimations.Disabled });
        }

        // Review mode: the caption is read out with the photo, as the option's own content.
        await page.GotoAsync(new Uri(app.BaseAddress, $"projects/{team.ProjectId}/review").ToString());
        var tile = page.Locator($"[data-review-grid] [role=option][data-photo-id='{review}']");
        await Expect(tile.Locator("[data-caption]")).ToHaveTextAsync(expected[review]);
        await Expect(tile.Locator("[data-caption]")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Option, new() { Name = expected[review] })).ToHaveAttributeAsync("data-photo-id", review.ToString(CultureInfo.InvariantCulture));
        await Expect(page.Locator("[data-preview-caption]")).ToContainTextAsync(expected[review]);
        Assert.True(await page.FitsWidthAsync(), "The review page scrolls sideways. " + await page.OverflowingAsync());

        // Search: the stored photos of that spot carry the same captions as in the project.
        var query = Path.Combine(Directory.CreateTempSubdirectory("imaginai-captions-").FullName, "deck-today.jpg");
        await File.WriteAllBytesAsync(query, PhotoVariants.Resize(PhotoVariants.SecondVisit(RealPhotos.Read("Wood.jpg")), 0.9f));
        await page.GotoAsync(new Uri(app.BaseAddress, "search").ToString());
        await page.Locator("[data-search-project]").SelectOptionAsync(team.ProjectId.ToString(CultureInfo.InvariantCulture));
        await page.Locator("[data-search-file]:not([capture])").SetInputFilesAsync(query);
        await Expect(page.Locator("[data-search-result]")).ToHaveCountAsync(4, new() { Timeout = 60_000 });
        foreach (var (id, caption) in expected)
            await Expect(page.Locator($"[data-search-result='{id}'] [data-caption]")).ToHaveTextAsync(caption);
        Assert.True(await page.FitsWidthAsync(), "The search page scrolls sideways. " + await page.OverflowingAsync());

        // The photo page's best earlier match: the reference, captioned as everywhere else.
        await page.GotoAsync(new Uri(app.BaseAddress, $"photos/{matched}").ToString());
        await Expect(page.Locator("[data-compare-caption] [data-caption]")).ToHaveTextAsync(expected[reference]);
        var lines = (await page.Locator("[data-compare-caption]").InnerTextAsync())
            .Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("decking.jpg", lines[0]);
        Assert.Equal("Decking", lines[1]);
        Assert.Equal(expected[reference], lines[^1]);
        Assert.True(await page.FitsWidthAsync(), "The photo page scrolls sideways. " + await page.OverflowingAsync());

        Assert.Empty(errors);
        await context.DisposeAsync();
    }
}
