using System.Text.Json;
using ImaginAI.Tests.Browser.Accounts;
using ImaginAI.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImaginAI.Tests.Browser;

/// <summary>
/// Every page, run through axe-core (from npm, injected into the page) in Debian's chromium at desktop and phone
/// sizes: no serious or critical violation (issue 14, §8). Also: the skip link is the first thing a keyboard reaches.
/// </summary>
public sealed class AccessibilityTests(KestrelTrackerApp app, ChromiumBrowser chromium)
    : IClassFixture<KestrelTrackerApp>, IClassFixture<ChromiumBrowser>
{
    private static readonly Lazy<string> Axe = new(() => File.ReadAllText(Path.Combine(RepoRoot.Path, "node_modules", "axe-core", "axe.min.js")));

    [Theory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task EveryPage_AxeCore_NoSeriousOrCriticalViolation(int width, int height)
    {
        using var api = app.CreateClient();
        var projectId = (await app.CreateProjectAsync($"Accessible site {width}", api)).GetProperty("id").GetInt64();
        var milestone = await app.AddMilestoneAsync(projectId, "Foundations", api);
        var photoId = await app.UploadOneAsync(projectId, "foundations.jpg", RealPhotos.Read("Garden.jpg"), milestone, api);
        var review = await app.UploadOneAsync(projectId, "review.jpg", RealPhotos.Read("Aqua.jpg"), client: api);
        await app.WaitUntilDecidedAsync(photoId, TimeSpan.FromMinutes(2), api);
        await app.WaitUntilDecidedAsync(review, TimeSpan.FromMinutes(2), api);
        // Made in the background: ready before its page is checked.
        await ImaginAI.Tests.Integration.Timelapse.TimelapseScenario.WaitReadyAsync(api, photoId);

        var (anonymous, _) = await chromium.NewContextAsync(width, height);
        var failures = new List<string>();
        var login = await anonymous.NewPageAsync();
        await login.GotoAsync(new Uri(app.BaseAddress, "account/login").ToString());
        failures.AddRange(await ViolationsAsync(login, "/account/login"));
        await anonymous.DisposeAsync();

        var (context, errors) = await chromium.NewContextAsync(width, height);
        await context.SignInAsync(app);
        var page = await context.NewPageAsync();
        var pages = new (string Path, string Ready)[]
        {
            ("", "[data-project-id]"),
            ($"projects/{projectId}", $"[data-milestone-id='{milestone}']"),
            ($"projects/{projectId}/upload", "[data-picker]"),
            ($"projects/{projectId}/review", "[data-review-grid] [role=option]"),
            ($"projects/{projectId}/settings", "h1"),
            ($"projects/{projectId}/members", "h1"),
            ($"photos/{photoId}", "[data-facts] dd"),
            ($"projects/{projectId}/map", "[data-map-page][data-loaded]"),
            ($"projects/{projectId}/gallery", "[data-gallery-grid] .thumb"),
            ($"photos/{photoId}/timelapse", "[data-timelapse-page][data-status='ready'] [data-timelapse-image]"),
            ("search", "h1"),
            ("account", "h1"),
            ("admin/users", "h1"),
            ("admin/audit", "h1"),
            ("no-such-page", "h1"),
        };
        foreach (var (path, ready) in pages)
        {
            await page.GotoAsync(new Uri(app.BaseAddress, path).ToString());
            await Expect(page.Locator(ready).First).ToBeVisibleAsync();
            failures.AddRange(await ViolationsAsync(page, "/" + path));
        }

        // The skip link is the first stop of the keyboard and takes it to the page's content.
        await page.GotoAsync(new Uri(app.BaseAddress, $"projects/{projectId}").ToString());
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator(".skip-link")).ToBeFocusedAsync();
        await Expect(page.Locator(".skip-link")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("main#main")).ToBeFocusedAsync();

        Assert.True(failures.Count == 0, "axe-core found serious or critical violations:\n" + string.Join("\n", failures));
        Assert.Empty(errors);
        await context.DisposeAsync();
    }

    private static async Task<IEnumerable<string>> ViolationsAsync(IPage page, string path)
    {
        // Evaluated through the DevTools protocol, so the page's script policy (no inline scripts) does not apply.
        await page.EvaluateAsync(Axe.Value);
        var violations = await page.EvaluateAsync<JsonElement>("""
            async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
              .filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }))
            """);
        return violations.EnumerateArray().Select(v =>
            $"{path}: {v.GetProperty("impact").GetString()} {v.GetProperty("id").GetString()} ({v.GetProperty("help").GetString()}) at {string.Join(", ", v.GetProperty("targets").EnumerateArray().Select(t => t.GetString()))}");
    }
}
