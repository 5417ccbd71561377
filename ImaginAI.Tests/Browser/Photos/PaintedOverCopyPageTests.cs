using System.Collections.Concurrent;
using System.Text.Json;
using ImaginAI.Tests.Browser.Accounts;
using ImaginAI.Tests.Integration;
using ImaginAI.Tests.Integration.Accounts;
using ImaginAI.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ImaginAI.Tests.Browser.Photos;

/// <summary>
/// A truck in front of a spot in fog (issue 13, third round): the keypoints all sit on the truck, the fog's reference
/// photo has none, and the whole photo looks only half alike. The matching job paints the truck over in a copy of the
/// stored photo, that copy decides, and the photo page says so in plain words, at phone and desktop sizes.
/// The app lowers Matching:FilledThreshold to 0.50: the shipped 0.70 was measured on the evaluation sets' smooth
/// scenes (walls, gradients, the moon), and the test photos' fog, a blurred meadow with the truck's plain top left
/// unpainted, comes back to 0.55 of its reference (0.50 before painting).
/// </summary>
public sealed class PaintedOverCopyPageTests(LowFilledThresholdKestrelApp app, ChromiumBrowser chromium)
    : IClassFixture<LowFilledThresholdKestrelApp>, IClassFixture<ChromiumBrowser>
{
    private sealed record Site(TestTeam Team, long FogMilestone, JsonElement Later);

    private static readonly ConcurrentDictionary<TrackerApp, Lazy<Task<Site>>> Sites = new();

    private Task<Site> SiteAsync() => Sites.GetOrAdd(app, _ => new(async () =>
    {
        var team = await app.CreateTeamAsync("Foggy yard");
        using var manager = app.CreateClientWithToken(team.Manager.Token);
        var fogMilestone = await app.AddMilestoneAsync(team.ProjectId, "Yard in fog", manager);
        var decking = await app.AddMilestoneAsync(team.ProjectId, "Decking", manager);
        var fog = PhotoVariants.Blur(RealPhotos.Read("GreenMeadow.jpg"), 40);
        await app.WaitUntilDecidedAsync(await app.UploadOneAsync(team.ProjectId, "yard.jpg", fog, fogMilestone, manager), TimeSpan.FromMinutes(2), manager);
        await app.WaitUntilDecidedAsync(await app.UploadOneAsync(team.ProjectId, "decking.jpg", RealPhotos.Read("Wood.jpg"), decking, manager), TimeSpan.FromMinutes(2), manager);
        var later = await app.UploadOneAsync(team.ProjectId, "yard-truck.jpg", PhotoVariants.TruckInFront(fog), client: manager);
        return new Site(team, fogMilestone, await app.WaitUntilDecidedAsync(later, TimeSpan.FromMinutes(2), manager));
    })).Value;

    [Fact]
    public async Task Decide_TruckInFrontOfAYardInFog_MatchesOnThePaintedOverCopy()
    {
        var site = await SiteAsync();

        var why = site.Later.GetProperty("explanation");
        Assert.True(site.Later.GetProperty("status").GetString() == "matched", site.Later.ToString());
        Assert.Equal(site.FogMilestone, site.Later.GetProperty("milestoneId").GetInt64());
        Assert.Equal(("filled-cnn-score", "filled"), (why.GetProperty("basis").GetString(), why.GetProperty("evidence").GetString()));
        Assert.InRange(why.GetProperty("bestScore").GetDouble(), 0.50, 1.0);
        Assert.Contains("painted over", why.GetProperty("text").GetString());
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task PhotoPage_MatchOnThePaintedOverCopy_SaysSomethingStoodInFrontInPlainWords(int width, int height)
    {
        var site = await SiteAsync();
        var (context, errors) = await chromium.NewContextAsync(width, height);
        await context.SignInAsync(app, site.Team.Field.Email, site.Team.Field.Password);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, $"photos/{site.Later.GetProperty("id").GetInt64()}").ToString());

        var note = page.Locator("[data-filled-note]");
        await Expect(note).ToBeVisibleAsync();
        await Expect(note).ToContainTextAsync("Something stood in front of the spot");
        await Expect(note.Locator("[data-filled-outcome]")).ToContainTextAsync("so the tracker matched it");
        await Expect(page.Locator("[data-evidence-note]")).ToBeHiddenAsync();
        await Expect(page.Locator("[data-explanation]")).ToContainTextAsync("painted over");
        Assert.True(await page.FitsWidthAsync(), "the photo page scrolls sideways");
        Assert.Empty(errors);
        await context.DisposeAsync();
    }
}

/// <summary>A Kestrel app whose painted-over copies decide from a CNN score of 0.50 (see <see cref="PaintedOverCopyPageTests"/>).</summary>
public sealed class LowFilledThresholdKestrelApp() : TrackerApp(kestrel: true, dataDirectory: null,
    settings: new() { ["Matching:FilledThreshold"] = "0.50" });
