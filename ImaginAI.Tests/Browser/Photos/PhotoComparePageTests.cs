using ImaginAI.Tests.Browser.Accounts;
using ImaginAI.Tests.Integration;
using ImaginAI.Tests.Integration.Accounts;
using ImaginAI.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImaginAI.Tests.Browser.Photos;

/// <summary>The before/after view of a revisit on the photo page, on a phone-sized chromium.</summary>
public sealed class PhotoComparePageTests(KestrelTrackerApp app, ChromiumBrowser chromium)
    : IClassFixture<KestrelTrackerApp>, IClassFixture<ChromiumBrowser>
{
    [Fact]
    public async Task PhotoPage_RevisitOfAReference_ShowsAlignedWipeAndKeypointLinesAndWhy()
    {
        var team = await app.CreateTeamAsync("Quay");
        using var manager = app.CreateClientWithToken(team.Manager.Token);
        var milestone = await app.AddMilestoneAsync(team.ProjectId, "Decking", manager);
        var reference = await app.UploadOneAsync(team.ProjectId, "decking.jpg", RealPhotos.Read("Wood.jpg"), milestone, manager);
        await app.WaitUntilDecidedAsync(reference, TimeSpan.FromMinutes(2), manager);
        var later = await app.UploadOneAsync(team.ProjectId, "decking-later.jpg", PhotoVariants.SecondVisit(RealPhotos.Read("Wood.jpg")), client: manager);
        await app.WaitUntilDecidedAsync(later, TimeSpan.FromMinutes(2), manager);

        var (context, errors) = await chromium.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } });
        await context.SignInAsync(app, team.Field.Email, team.Field.Password);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, $"photos/{later}").ToString());

        await Expect(page.Locator("[data-explanation-basis]")).ToHaveAttributeAsync("data-explanation-basis", "verified");
        await Expect(page.Locator("[data-wipe-caption]")).ToContainTextAsync("Aligned on");
        await page.Locator("[data-wipe-slider]").FillAsync("20");
        Assert.Equal("inset(0px 80% 0px 0px)", await page.Locator("[data-wipe-before]").EvaluateAsync<string>("e => getComputedStyle(e).clipPath"));
        await page.Locator("[data-keypoints-toggle]").CheckAsync();
        await Expect(page.Locator("[data-keypoint-lines] line").First).ToBeAttachedAsync();
        await page.ScreenshotAsync(new() { Path = ReadmeScreenshot.PathFor("photo-compare-phone.png"), FullPage = true, Animations = ScreenshotAnimations.Disabled });

        Assert.Empty(errors);
        await context.DisposeAsync();
    }
}
