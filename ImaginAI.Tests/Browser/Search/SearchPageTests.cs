using ImaginAI.Tests.Browser.Accounts;
using ImaginAI.Tests.Integration;
using ImaginAI.Tests.Integration.Accounts;
using ImaginAI.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImaginAI.Tests.Browser.Search;

/// <summary>The search page on a phone-sized chromium, signed in as a field member, against the real app.</summary>
public sealed class SearchPageTests(KestrelTrackerApp app, ChromiumBrowser chromium)
    : IClassFixture<KestrelTrackerApp>, IClassFixture<ChromiumBrowser>, IAsyncLifetime, IDisposable
{
    private readonly DirectoryInfo scratch = Directory.CreateTempSubdirectory("imaginai-search-");
    private TestTeam team = null!;
    private long twinId;

    public async Task InitializeAsync()
    {
        team = await app.CreateTeamAsync("Harbour wall");
        using var manager = app.CreateClientWithToken(team.Manager.Token);
        var milestone = await app.AddMilestoneAsync(team.ProjectId, "Timber cladding", manager);
        var others = new[] { "Dune.jpg", "Garden.jpg", "Storm.jpg" };
        var ids = new List<long>();
        foreach (var name in others) ids.Add(await app.UploadOneAsync(team.ProjectId, name, RealPhotos.Read(name), client: manager));
        twinId = await app.UploadOneAsync(team.ProjectId, "cladding.jpg", RealPhotos.Read("Wood.jpg"), milestone, manager);
        ids.Add(twinId);
        foreach (var id in ids) await app.WaitUntilDecidedAsync(id, TimeSpan.FromMinutes(2), manager);
    }

    [Fact]
    public async Task SearchPage_PhotoOfAStoredScene_ShowsTheTwinFirstWithScoreProjectAndMilestone()
    {
        var query = Write("revisit.jpg", PhotoVariants.SecondVisit(RealPhotos.Read("Wood.jpg")));
        var (context, errors) = await chromium.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, HasTouch = true });
        await context.SignInAsync(app, team.Field.Email, team.Field.Password);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "search").ToString());

        await page.Locator("[data-search-file]:not([capture])").SetInputFilesAsync(query);

        var first = page.Locator("[data-search-result]").First;
        await Expect(first).ToHaveAttributeAsync("data-search-result", twinId.ToString(), new() { Timeout = 60_000 });
        await Expect(first).ToContainTextAsync("Harbour wall");
        await Expect(first).ToContainTextAsync("Timber cladding");
        await Expect(first).ToContainTextAsync("same spot");
        await first.Locator("button").ClickAsync();
        await Expect(page.Locator("[data-search-compare-link]")).ToHaveAttributeAsync("href", $"/photos/{twinId}");
        // A full-page shot of a scrolled page would paint the sticky top bar mid-page.
        await page.EvaluateAsync("() => window.scrollTo({ top: 0, behavior: 'instant' })");
        await page.ScreenshotAsync(new() { Path = ReadmeScreenshot.PathFor("search-phone.png"), FullPage = true, Scale = ScreenshotScale.Css, Animations = ScreenshotAnimations.Disabled });
        Assert.Empty(errors);
        await context.DisposeAsync();
    }

    [Fact]
    public async Task SearchPage_BoxDrawnOverOnePlace_SearchesOnlyThatPlace()
    {
        // The frame shows a dune on the left and the cladding on the right; the box covers the cladding only.
        var query = Write("two-places.jpg", PhotoVariants.SideBySide(RealPhotos.Read("Dune.jpg"), RealPhotos.Read("Wood.jpg")));
        var (context, errors) = await chromium.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } });
        await context.SignInAsync(app, team.Field.Email, team.Field.Password);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "search").ToString());
        await page.Locator("[data-search-file]:not([capture])").SetInputFilesAsync(query);
        await Expect(page.Locator("[data-search-result]").First).Not.ToHaveAttributeAsync("data-search-result", twinId.ToString(), new() { Timeout = 60_000 });

        var canvas = page.Locator("[data-search-canvas]");
        var bounds = (await canvas.BoundingBoxAsync())!;
        var dividing = DuneShare(bounds.Width);
        await page.Mouse.MoveAsync(bounds.X + dividing + 4, bounds.Y + 4);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(bounds.X + bounds.Width * 0.7f, bounds.Y + bounds.Height * 0.5f, new() { Steps = 4 });
        await page.Mouse.MoveAsync(bounds.X + bounds.Width - 4, bounds.Y + bounds.Height - 4, new() { Steps = 4 });
        await page.Mouse.UpAsync();

        await Expect(page.Locator("[data-search-clear-box]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-search-result]").First).ToHaveAttributeAsync("data-search-result", twinId.ToString(), new() { Timeout = 60_000 });
        Assert.Empty(errors);
        await context.DisposeAsync();
    }

    // Where the dune ends in the side-by-side frame, in canvas pixels (both halves are scaled to the same height).
    private static float DuneShare(float canvasWidth)
    {
        using var dune = ImaginAI.Vision.Decoding.PhotoDecoder.Decode(RealPhotos.Read("Dune.jpg"));
        using var wood = ImaginAI.Vision.Decoding.PhotoDecoder.Decode(RealPhotos.Read("Wood.jpg"));
        var duneWidth = (double)dune.Bitmap.Width / dune.Bitmap.Height;
        var woodWidth = (double)wood.Bitmap.Width / wood.Bitmap.Height;
        return (float)(canvasWidth * duneWidth / (duneWidth + woodWidth));
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(scratch.FullName, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    public void Dispose() => scratch.Delete(recursive: true);
}
