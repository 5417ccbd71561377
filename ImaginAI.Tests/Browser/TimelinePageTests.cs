using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Browser.Accounts;
using ImaginAI.Tests.Integration;
using ImaginAI.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImaginAI.Tests.Browser;

/// <summary>
/// The manager's live timeline and the field worker's upload page, in Debian's chromium against the real app
/// (real SQLite, the real model, the real hub) listening on a Kestrel port.
/// </summary>
public sealed class TimelinePageTests(KestrelTrackerApp app, ChromiumBrowser chromium)
    : IClassFixture<KestrelTrackerApp>, IClassFixture<ChromiumBrowser>, IDisposable
{
    private readonly DirectoryInfo scratch = Directory.CreateTempSubdirectory("imaginai-browser-");

    // Embedding and matching run in the background on a shared 2-core machine; this bounds a hang, not a speed.
    private const float ProcessingTimeoutMs = 120_000;
    private static readonly TimeSpan ProcessingTimeout = TimeSpan.FromMilliseconds(ProcessingTimeoutMs);

    [Fact]
    public async Task UploadPage_VariantOfAMilestonePhoto_LandsInThatMilestoneOnTheOpenTimelineWithoutReload()
    {
        using var api = app.CreateClient();
        var projectId = await CreateProjectAsync(api, "Riverside park", "Landscaping of the north bank, phase 1");
        var cleared = await app.AddMilestoneAsync(projectId, "Ground cleared", api);
        var sown = await app.AddMilestoneAsync(projectId, "Meadow sown", api);
        var planted = await app.AddMilestoneAsync(projectId, "Garden planted", api);
        await app.AddMilestoneAsync(projectId, "Handover", api);
        var earlier = new[]
        {
            await UploadAsync(api, projectId, Scene("Dune.jpg"), cleared),
            await UploadAsync(api, projectId, Scene("GreenMeadow.jpg"), sown),
            await UploadAsync(api, projectId, Scene("Garden.jpg"), planted),
            await UploadAsync(api, projectId, Scene("LadyBird.jpg"), milestoneId: null),
        };
        foreach (var id in earlier) await app.WaitUntilDecidedAsync(id, ProcessingTimeout, api);
        var variant = WriteVariant(Scene("GreenMeadow.jpg"), "meadow-north-bank.jpg");

        var (managerContext, managerErrors) = await chromium.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await managerContext.SignInAsync(app);
        var timeline = await managerContext.NewPageAsync();
        await timeline.GotoAsync(new Uri(app.BaseAddress, $"projects/{projectId}").ToString());
        await Expect(timeline.Locator("[data-connection]")).ToHaveAttributeAsync("data-state", "live");
        await Expect(timeline.Locator($"[data-milestone-id='{sown}'] [data-photo-id='{earlier[1]}']")).ToBeVisibleAsync();
        await timeline.EvaluateAsync("() => { window.sameDocument = 'loaded once'; }");

        var (workerContext, workerErrors) = await chromium.NewContextAsync();
        await workerContext.SignInAsync(app);
        var upload = await workerContext.NewPageAsync();
        await upload.GotoAsync(new Uri(app.BaseAddress, $"projects/{projectId}/upload").ToString());
        await upload.Locator("[data-picker]").SetInputFilesAsync(variant);
        var accepted = upload.Locator(".upload-item[data-state='accepted']");
        await Expect(accepted).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        var photoId = await accepted.GetAttributeAsync("data-photo-id");
        Assert.False(string.IsNullOrEmpty(photoId));

        await Expect(timeline.Locator($"[data-photo-id='{photoId}']")).ToBeVisibleAsync(new() { Timeout = ProcessingTimeoutMs });
        await Expect(timeline.Locator($"[data-milestone-id='{sown}'] [data-photo-id='{photoId}']"))
            .ToBeVisibleAsync(new() { Timeout = ProcessingTimeoutMs });
        Assert.Equal("loaded once", await timeline.EvaluateAsync<string?>("() => window.sameDocument"));

        await Expect(timeline.Locator("[data-lane='pending']")).ToBeHiddenAsync(new() { Timeout = ProcessingTimeoutMs });
        // The site photo reaches its milestone, and the page says so without a reload.
        await Expect(timeline.Locator($"[data-milestone-id='{sown}'] [data-milestone-status]")).ToContainTextAsync("Reached");
        await Expect(timeline.Locator("[data-progress-text]")).ToContainTextAsync("1 of 4 milestones reached");
        await timeline.Locator("img").EvaluateAllAsync<bool>("""
            images => Promise.all(images.filter(i => !i.complete).map(i => new Promise(done => {
              i.addEventListener('load', done);
              i.addEventListener('error', done);
            }))).then(() => true)
            """);
        var screenshot = ReadmeScreenshot.PathFor("timeline.png");
        await timeline.ScreenshotAsync(new() { Path = screenshot, FullPage = true, Animations = ScreenshotAnimations.Disabled });

        Assert.Empty(managerErrors);
        Assert.Empty(workerErrors);
        await managerContext.DisposeAsync();
        await workerContext.DisposeAsync();
    }

    [Fact]
    public async Task TimelineAndUploadPages_OnAPhone_FitTheScreenWithoutSideScrolling()
    {
        using var api = app.CreateClient();
        var projectId = await CreateProjectAsync(api, "Northern bypass: junction 4 slip roads and the footbridge over the canal",
            "Drainage, kerbs and surfacing of both slip roads, then the footbridge deck.");
        var milestone = await app.AddMilestoneAsync(projectId, "Drainage trenches dug, pipes laid and backfilled on the eastbound slip road", api);
        var longName = WriteVariant(Scene("Storm.jpg"), "IMG_20250612_093415_eastbound_slip_road_drainage_trench_looking_north.jpg");
        await app.WaitUntilDecidedAsync(await UploadAsync(api, projectId, longName, milestone), ProcessingTimeout, api);

        var (phone, errors) = await chromium.NewContextAsync(new()
        {
            ViewportSize = new() { Width = 390, Height = 844 },
            DeviceScaleFactor = 2,
            IsMobile = true,
            HasTouch = true,
        });
        await phone.SignInAsync(app);
        var page = await phone.NewPageAsync();

        await page.GotoAsync(new Uri(app.BaseAddress, $"projects/{projectId}").ToString());
        await Expect(page.Locator($"[data-milestone-id='{milestone}'] .thumb")).ToHaveCountAsync(1);
        Assert.True(await FitsWidthAsync(page), "The timeline scrolls sideways on a 390 px wide phone.");

        await page.GotoAsync(new Uri(app.BaseAddress, $"projects/{projectId}/upload").ToString());
        await Expect(page.Locator(".camera-button")).ToBeVisibleAsync();
        await page.Locator("[data-camera]").SetInputFilesAsync(longName);
        await Expect(page.Locator(".upload-item[data-state='duplicate']")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        Assert.True(await FitsWidthAsync(page), "The upload page scrolls sideways on a 390 px wide phone.");

        Assert.Empty(errors);
        await phone.DisposeAsync();
    }

    private static string Scene(string fileName) => System.IO.Path.Combine(RealPhotos.Directory, fileName);

    private static Task<bool> FitsWidthAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth");

    private static async Task<long> CreateProjectAsync(HttpClient api, string name, string description)
    {
        var response = await api.PostAsJsonAsync("/api/projects", new { name, description });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    private async Task<long> UploadAsync(HttpClient api, long projectId, string path, long? milestoneId) =>
        await app.UploadOneAsync(projectId, System.IO.Path.GetFileName(path), await File.ReadAllBytesAsync(path), milestoneId, api);

    /// <summary>The same scene on a second visit (reframed, smaller, brighter, re-saved), as a file to pick.</summary>
    private string WriteVariant(string source, string fileName)
    {
        var path = System.IO.Path.Combine(scratch.FullName, fileName);
        File.WriteAllBytes(path, PhotoVariants.SecondVisit(File.ReadAllBytes(source)));
        return path;
    }

    public void Dispose() => scratch.Delete(recursive: true);
}
