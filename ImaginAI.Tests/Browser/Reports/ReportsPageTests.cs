using ImaginAI.Tests.Browser.Accounts;
using ImaginAI.Tests.Integration.Reports;
using ImaginAI.Tests.Support;
using Microsoft.Playwright;
using UglyToad.PdfPig;
using static Microsoft.Playwright.Assertions;

namespace ImaginAI.Tests.Browser.Reports;

/// <summary>
/// Issue 15 in Debian's chromium: the project map (markers placed and clustered, a pin opens its photo, a plain
/// message when tiles cannot load; no tile server is reachable here, so tiles are never asserted), and the PDF
/// report downloaded from the project page.
/// </summary>
public sealed class ReportsPageTests(ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>, IAsyncLifetime
{
    // A tile server that refuses connections: what a page sees when the configured one is down or blocked.
    private readonly TrackerApp app = TrackerApp.Create(kestrel: true, settings: new() { ["Map:TileUrl"] = "http://127.0.0.1:9/{z}/{x}/{y}.png" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Theory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task MapPage_PhotosWithGps_ClustersNearbyMarkersAndOpensThePhoto(int width, int height)
    {
        using var api = app.CreateClient();
        var projectId = (await app.CreateProjectAsync($"Mapped site {width}", api)).GetProperty("id").GetInt64();
        // Three photos around one gate (metres apart) and one across town, and one without GPS.
        var (lat, lon) = ReportScenario.Gate;
        var near = new List<long>();
        foreach (var (file, i) in new[] { "Garden.jpg", "Storm.jpg", "Dune.jpg" }.Select((f, i) => (f, i)))
            near.Add(await app.UploadOneAsync(projectId, $"gate-{i}.jpg", ReportScenario.WithGps(RealPhotos.Read(file), lat + i * 0.0005, lon + i * 0.0005), client: api));
        var far = await app.UploadOneAsync(projectId, "depot.jpg", ReportScenario.WithGps(RealPhotos.Read("Aqua.jpg"), lat + 0.02, lon - 0.03), client: api);
        await app.UploadOneAsync(projectId, "no-gps.jpg", RealPhotos.Read("LadyBird.jpg"), client: api);

        var (context, errors) = await chromium.NewContextAsync(width, height);
        await context.SignInAsync(app);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, $"projects/{projectId}/map").ToString());
        await Expect(page.Locator("[data-map-summary]")).ToHaveTextAsync("4 photos on the map. 1 photo without a GPS position is not shown.");
        // Fitted to all four: the three at the gate are one cluster of 3, the depot a marker of its own.
        var cluster = page.Locator(".marker-cluster");
        await Expect(cluster).ToHaveCountAsync(1);
        await Expect(cluster).ToHaveTextAsync("3");
        await Expect(page.Locator("[data-photo-marker]")).ToHaveCountAsync(1);
        await Expect(page.Locator($"[data-photo-marker='{far}']")).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("^depot\\.jpg, taken "));
        await Expect(page.Locator("[data-tiles-error]")).ToContainTextAsync("The map's background could not load from 127.0.0.1:9");
        Assert.True(await page.FitsWidthAsync());

        // Opening the cluster zooms in until its three photos stand apart (the depot is then off the map).
        await cluster.ClickAsync();
        await Expect(page.Locator(".marker-cluster")).ToHaveCountAsync(0);
        foreach (var id in near) await Expect(page.Locator($"[data-photo-marker='{id}']")).ToBeVisibleAsync();

        // A pin opens its photo, whose page says where it was taken and links back to the map.
        await page.Locator($"[data-photo-marker='{near[1]}']").ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex($"/photos/{near[1]}$"));
        await Expect(page.Locator("[data-location-text]")).ToContainTextAsync("51.50785° N, 0.12726° W");
        await page.Locator("[data-location-map]").ClickAsync();
        await Expect(page.Locator($"[data-photo-marker='{near[1]}']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("marker-selected"));
        Assert.Empty(errors);
        await context.DisposeAsync();
    }

    [Fact]
    public async Task ProjectPage_DownloadReport_SavesThePdfAndExplainsBadDates()
    {
        using var api = app.CreateClient();
        var scenario = await ReportScenario.CreateAsync(app, api, "Download depot");
        var (context, errors) = await chromium.NewContextAsync(1280, 900);
        await context.SignInAsync(app);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, $"projects/{scenario.ProjectId}").ToString());

        var card = page.Locator("[data-share-progress]");
        await card.Locator("[data-report-from]").FillAsync("2026-12-01");
        await card.Locator("[data-report-to]").FillAsync("2026-11-01");
        await card.Locator("[data-download-report]").ClickAsync();
        await Expect(card.Locator("[data-report-error]")).ToHaveTextAsync("The start date is after the end date.");

        await card.Locator("[data-report-from]").FillAsync("2026-10-01");
        await card.Locator("[data-report-to]").FillAsync("2026-11-30");
        var download = await page.RunAndWaitForDownloadAsync(() => card.Locator("[data-download-report]").ClickAsync(), new() { Timeout = 120_000 });
        Assert.Equal("Download-depot-report-2026-10-01-to-2026-11-30.pdf", download.SuggestedFilename);
        await Expect(card.Locator("[data-report-status]")).ToHaveTextAsync("The report is saved as Download-depot-report-2026-10-01-to-2026-11-30.pdf.");
        await Expect(card.Locator("[data-report-error]")).ToBeHiddenAsync();
        using var pdf = PdfDocument.Open(await File.ReadAllBytesAsync(await download.PathAsync()));
        Assert.Contains("Download depot", pdf.GetPage(1).Text);

        // The ZIP link carries the chosen filter.
        await card.Locator("[data-export-milestone]").SelectOptionAsync(new SelectOptionValue { Label = "Roof on" });
        await Expect(card.Locator("[data-download-export]")).ToHaveAttributeAsync("href",
            $"/api/projects/{scenario.ProjectId}/export.zip?from=2026-10-01&to=2026-11-30&milestone={scenario.Roof}");
        Assert.Empty(errors);
        await context.DisposeAsync();
    }
}
