using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Browser.Accounts;
using ImaginAI.Tests.Integration;
using ImaginAI.Tests.Integration.Accounts;
using ImaginAI.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImaginAI.Tests.Browser.Matching;

/// <summary>A manager's matching settings page in Debian's chromium, with keypoint checks on (the default).</summary>
public sealed class SettingsPageTests(KestrelTrackerApp app, ChromiumBrowser chromium)
    : IClassFixture<KestrelTrackerApp>, IClassFixture<ChromiumBrowser>
{
    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task SettingsPage_TwoExamplesOneCorrectedThenPutBack_CountsItOnceSuggestsNothingAndChartsInliers(int width, int height)
    {
        var team = await app.CreateTeamAsync($"Garden square {width}");
        using var manager = app.CreateClientWithToken(team.Manager.Token);
        var milestone = await app.AddMilestoneAsync(team.ProjectId, "Beds planted", manager);
        var flower = RealPhotos.Read("YellowFlower.jpg");
        await app.WaitUntilDecidedAsync(await app.UploadOneAsync(team.ProjectId, "beds.jpg", flower, milestone, manager), TimeSpan.FromMinutes(2), manager);
        var revisit = await app.UploadOneAsync(team.ProjectId, "beds-later.jpg", PhotoVariants.SecondVisit(flower), client: manager);
        var other = await app.UploadOneAsync(team.ProjectId, "other-bed.jpg", RealPhotos.Read("FreshFlower.jpg"), client: manager);
        await app.WaitUntilDecidedAsync(revisit, TimeSpan.FromMinutes(2), manager);
        await app.WaitUntilDecidedAsync(other, TimeSpan.FromMinutes(2), manager);
        (await manager.PutAsJsonAsync($"/api/photos/{other}/milestone", new { milestoneId = (long?)null })).EnsureSuccessStatusCode();

        var (context, errors) = await chromium.NewContextAsync(width, height);
        await context.SignInAsync(app, team.Manager.Email, team.Manager.Password);
        var page = await context.NewPageAsync();
        // On the photo page: corrected (sent back to review), then put back where the tracker had it.
        await page.GotoAsync(new Uri(app.BaseAddress, $"photos/{revisit}").ToString());
        var select = page.Locator("[data-milestone-select]");
        var save = page.Locator("[data-milestone-form] button[type=submit]");
        await Expect(select.Locator("option")).ToHaveCountAsync(2);
        await select.SelectOptionAsync("");
        await save.ClickAsync();
        await Expect(page.Locator("[data-form-ok]")).ToContainTextAsync("Needs review");
        await select.SelectOptionAsync(milestone.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await save.ClickAsync();
        await Expect(page.Locator("[data-form-ok]")).ToContainTextAsync("Beds planted");

        await page.GotoAsync(new Uri(app.BaseAddress, $"projects/{team.ProjectId}/settings").ToString());
        await Expect(page.Locator("[data-examples-text]")).ToContainTextAsync("2 of your decisions are kept as examples");
        await Expect(page.Locator("[data-examples-text]")).ToContainTextAsync("1 where the tracker was right to match, 1 where it was not");

        // Keypoint checks decide, so the chart is of points that line up, with the minimum marked and bars counted.
        await Expect(page.Locator("[data-decides='inliers']")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-decides='cnn-score']")).Not.ToBeVisibleAsync();
        var chart = page.Locator("[data-histogram-rule='inliers']");
        await Expect(chart.Locator("figcaption")).ToHaveTextAsync("Points that line up with the best milestone\u2019s reference photo");
        await Expect(chart.Locator("[data-marker='min-inliers']")).ToHaveTextAsync("minimum 15");
        await Expect(page.Locator("[data-histogram-rule='cnn-score']")).ToHaveCountAsync(0);
        var calibration = await manager.GetFromJsonAsync<JsonElement>($"/api/projects/{team.ProjectId}/calibration");
        var checkedDecisions = calibration.GetProperty("decisions").EnumerateArray().Count(d => d.GetProperty("inliers").ValueKind != JsonValueKind.Null);
        Assert.True(checkedDecisions > 0);
        var counts = await chart.Locator("[data-bar-count]").AllTextContentsAsync();
        Assert.Equal(checkedDecisions, counts.Sum(int.Parse));

        // Two examples are no ground for a setting: nothing is suggested, and nothing can be applied.
        await page.Locator("[data-suggest]").ClickAsync();
        await Expect(page.Locator("[data-suggestion-wait]")).ToContainTextAsync("Not enough examples yet to suggest anything");
        await Expect(page.Locator("[data-suggestion-wait]")).ToContainTextAsync("you have 1 and 1");
        await Expect(page.Locator("[data-apply-suggestion]")).Not.ToBeVisibleAsync();
        await Expect(page.Locator("[data-suggested]")).ToHaveCountAsync(0);
        Assert.True(await page.FitsWidthAsync(), "the settings page scrolls sideways");
        if (width < 500)
        {
            // A full-page shot of a scrolled page would paint the sticky top bar mid-page.
            await page.EvaluateAsync("() => window.scrollTo({ top: 0, behavior: 'instant' })");
            await page.ScreenshotAsync(new() { Path = ReadmeScreenshot.PathFor("settings-phone.png"), FullPage = true, Scale = ScreenshotScale.Css, Animations = ScreenshotAnimations.Disabled });
        }

        Assert.Empty(errors);
        await context.DisposeAsync();
    }
}

/// <summary>A Kestrel server deciding on CNN scores alone (keypoint checks off).</summary>
public sealed class CnnOnlyKestrelTrackerApp() : TrackerApp(kestrel: true, dataDirectory: null,
    settings: new() { ["Matching:VerifyKeypoints"] = "false" });

/// <summary>The settings page where the CNN score decides.</summary>
public sealed class CnnOnlySettingsPageTests(CnnOnlyKestrelTrackerApp app, ChromiumBrowser chromium)
    : IClassFixture<CnnOnlyKestrelTrackerApp>, IClassFixture<ChromiumBrowser>
{
    [Fact]
    public async Task SettingsPage_KeypointChecksOff_ChartsHowAlikeWithTheThresholdAndTheLeadWithTheMargin()
    {
        using var api = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Scored site", api)).GetProperty("id").GetInt64();
        var milestone = await app.AddMilestoneAsync(projectId, "Decking", api);
        var wood = PhotoVariants.Resize(RealPhotos.Read("Wood.jpg"), 0.25f);
        await app.WaitUntilDecidedAsync(await app.UploadOneAsync(projectId, "reference.jpg", wood, milestone, api), client: api);
        await app.WaitUntilDecidedAsync(await app.UploadOneAsync(projectId, "revisit.jpg", PhotoVariants.Crop(wood, 0.8f), client: api), client: api);

        var (context, errors) = await chromium.NewContextAsync(1280, 900);
        await context.SignInAsync(app);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, $"projects/{projectId}/settings").ToString());

        await Expect(page.Locator("[data-decides='cnn-score']")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-rule-in-use]")).ToContainTextAsync("Keypoint checks are off");
        var score = page.Locator("[data-histogram-rule='cnn-score']");
        await Expect(score.Locator("[data-marker='threshold']")).ToHaveTextAsync("threshold 0.60");
        await Expect(score.Locator("[data-bar-count]")).ToHaveTextAsync("1");
        var lead = page.Locator("[data-histogram-rule='margin']");
        await Expect(lead.Locator("figcaption")).ToHaveTextAsync("How much more alike than the next milestone");
        await Expect(lead.Locator("[data-marker='margin']")).ToHaveTextAsync("margin 0.20");
        await Expect(page.Locator("[data-histogram-rule='inliers']")).ToHaveCountAsync(0);

        Assert.Empty(errors);
        await context.DisposeAsync();
    }
}
