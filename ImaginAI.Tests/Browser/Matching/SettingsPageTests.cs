using System.Net.Http.Json;
using ImaginAI.Tests.Browser.Accounts;
using ImaginAI.Tests.Integration;
using ImaginAI.Tests.Integration.Accounts;
using ImaginAI.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImaginAI.Tests.Browser.Matching;

/// <summary>A manager's matching settings page on a phone-sized chromium.</summary>
public sealed class SettingsPageTests(KestrelTrackerApp app, ChromiumBrowser chromium)
    : IClassFixture<KestrelTrackerApp>, IClassFixture<ChromiumBrowser>
{
    [Fact]
    public async Task SettingsPage_AfterAConfirmationAndARejection_ShowsHistogramAndASuggestionBeforeApplyingIt()
    {
        var team = await app.CreateTeamAsync("Garden square");
        using var manager = app.CreateClientWithToken(team.Manager.Token);
        var milestone = await app.AddMilestoneAsync(team.ProjectId, "Beds planted", manager);
        var flower = RealPhotos.Read("YellowFlower.jpg");
        await app.WaitUntilDecidedAsync(await app.UploadOneAsync(team.ProjectId, "beds.jpg", flower, milestone, manager), TimeSpan.FromMinutes(2), manager);
        var revisit = await app.UploadOneAsync(team.ProjectId, "beds-later.jpg", PhotoVariants.SecondVisit(flower), client: manager);
        var other = await app.UploadOneAsync(team.ProjectId, "other-bed.jpg", RealPhotos.Read("FreshFlower.jpg"), client: manager);
        await app.WaitUntilDecidedAsync(revisit, TimeSpan.FromMinutes(2), manager);
        await app.WaitUntilDecidedAsync(other, TimeSpan.FromMinutes(2), manager);
        (await manager.PutAsJsonAsync($"/api/photos/{revisit}/milestone", new { milestoneId = milestone })).EnsureSuccessStatusCode();
        (await manager.PutAsJsonAsync($"/api/photos/{other}/milestone", new { milestoneId = (long?)null })).EnsureSuccessStatusCode();

        var (context, errors) = await chromium.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } });
        await context.SignInAsync(app, team.Manager.Email, team.Manager.Password);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, $"projects/{team.ProjectId}/settings").ToString());

        await Expect(page.Locator("[data-histogram] svg rect")).Not.ToHaveCountAsync(0);
        await Expect(page.Locator("[data-min-inliers]")).ToHaveValueAsync("15");
        await page.Locator("[data-suggest]").ClickAsync();
        await Expect(page.Locator("[data-suggestion-facts]")).ToContainTextAsync("Expected accuracy");
        var suggested = await page.Locator("[data-suggestion='threshold']").GetAttributeAsync("data-suggested");
        Assert.NotEqual("0.6", suggested);
        // Shown, not applied: the field still holds the project's setting.
        await Expect(page.Locator("[data-threshold]")).ToHaveValueAsync("0.600");
        await page.ScreenshotAsync(new() { Path = ReadmeScreenshot.PathFor("settings-phone.png"), FullPage = true, Animations = ScreenshotAnimations.Disabled });
        await page.Locator("[data-apply-suggestion]").ClickAsync();
        await Expect(page.Locator("[data-form-ok]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-threshold]")).ToHaveValueAsync(double.Parse(suggested!, System.Globalization.CultureInfo.InvariantCulture).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Locator("[data-min-inliers]")).ToHaveValueAsync("15");

        Assert.Empty(errors);
        await context.DisposeAsync();
    }
}
