using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Browser.Accounts;
using ImaginAI.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImaginAI.Tests.Browser.Projects;

/// <summary>
/// Progress a manager can trust (issue 14, §1), in Debian's chromium: references do not reach a milestone, a site
/// photo assigned by a manager does (live on the projects list), and late milestones are flagged on both pages.
/// </summary>
public sealed class ProgressPageTests(KestrelTrackerApp app, ChromiumBrowser chromium)
    : IClassFixture<KestrelTrackerApp>, IClassFixture<ChromiumBrowser>
{
    private static readonly TimeSpan Processing = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task ProjectsAndTimeline_ReferencesThenAssignedSitePhoto_ShowTrueProgressLateFlagsAndLiveReviewBadge()
    {
        using var api = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Harbour wall repairs", api)).GetProperty("id").GetInt64();
        // Uploaded before any milestone exists, so the job can only leave it for review.
        var site = await app.UploadOneAsync(projectId, "IMG_0412.jpg", RealPhotos.Read("LadyBird.jpg"), client: api);
        await app.WaitUntilDecidedAsync(site, Processing, api);
        var drainage = await AddMilestoneAsync(api, projectId, "Drainage laid", "2020-03-31");
        var capping = await AddMilestoneAsync(api, projectId, "Capping stones set", "2999-06-30");
        foreach (var (file, milestone) in new[] { ("Dune.jpg", drainage), ("GreenMeadow.jpg", capping) })
            await app.WaitUntilDecidedAsync(await app.UploadOneAsync(projectId, file, RealPhotos.Read(file), milestone, api), Processing, api);

        var (desktop, errors) = await chromium.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await desktop.SignInAsync(app);
        var list = await desktop.NewPageAsync();
        await list.GotoAsync(new Uri(app.BaseAddress, "").ToString());
        var card = list.Locator($"[data-project-id='{projectId}']");
        await Expect(card.Locator("[data-project-status]")).ToHaveTextAsync("1 milestone late");
        await Expect(card.Locator(".progress-text")).ToContainTextAsync("0 of 2 milestones reached");
        await Expect(card.Locator("[data-in-review]")).ToHaveTextAsync("1 in review");
        await list.EvaluateAsync("() => { window.sameDocument = true; }");

        var timeline = await desktop.NewPageAsync();
        await timeline.GotoAsync(new Uri(app.BaseAddress, $"projects/{projectId}").ToString());
        await Expect(timeline.Locator("[data-progress-text]")).ToHaveTextAsync("0 of 2 milestones reached, 1 late");
        await Expect(timeline.Locator($"[data-milestone-id='{drainage}'] [data-milestone-status]")).ToContainTextAsync("Late: was due");
        await Expect(timeline.Locator($"[data-milestone-id='{capping}'] [data-milestone-status]")).ToContainTextAsync("Not reached yet, due");
        await Expect(timeline.Locator($"[data-milestone-id='{capping}'] .milestone-meta")).ToContainTextAsync("1 reference photo");
        await Expect(timeline.Locator("[data-connection]")).ToHaveAttributeAsync("data-state", "live");

        (await api.PutAsJsonAsync($"/api/photos/{site}/milestone", new { milestoneId = capping })).EnsureSuccessStatusCode();
        var takenAt = (await app.GetPhotoAsync(site, api)).GetProperty("takenAt").GetDateTimeOffset();

        // Both pages follow without a reload.
        await Expect(timeline.Locator("[data-progress-text]")).ToHaveTextAsync("1 of 2 milestones reached, 1 late");
        var reachedOn = await timeline.EvaluateAsync<string>(
            "iso => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(new Date(iso))", takenAt.ToString("O"));
        await Expect(timeline.Locator($"[data-milestone-id='{capping}'] [data-milestone-status]")).ToHaveTextAsync($"Reached {reachedOn}");
        await Expect(card.Locator(".progress-text")).ToContainTextAsync("1 of 2 milestones reached");
        await Expect(card.Locator("[data-in-review]")).ToHaveCountAsync(0);
        Assert.True(await list.EvaluateAsync<bool>("() => window.sameDocument === true"));
        await list.ScreenshotAsync(new() { Path = ReadmeScreenshot.PathFor("projects.png"), Animations = ScreenshotAnimations.Disabled });

        var (phone, phoneErrors) = await chromium.NewContextAsync(390, 844);
        await phone.SignInAsync(app);
        var small = await phone.NewPageAsync();
        await small.GotoAsync(new Uri(app.BaseAddress, "").ToString());
        await Expect(small.Locator($"[data-project-id='{projectId}'] [data-project-status]")).ToBeVisibleAsync();
        Assert.True(await small.FitsWidthAsync(), "The projects list scrolls sideways on a 390 px wide phone.");
        await small.GotoAsync(new Uri(app.BaseAddress, $"projects/{projectId}").ToString());
        await Expect(small.Locator($"[data-milestone-id='{drainage}'] [data-milestone-status]")).ToBeVisibleAsync();
        Assert.True(await small.FitsWidthAsync(), "The timeline scrolls sideways on a 390 px wide phone: " + await small.OverflowingAsync());
        // The longest status a milestone can say (reached late, with both dates) wraps inside its badge.
        (await api.PutAsJsonAsync($"/api/photos/{site}/milestone", new { milestoneId = drainage })).EnsureSuccessStatusCode();
        await Expect(small.Locator($"[data-milestone-id='{drainage}'] [data-milestone-status]")).ToContainTextAsync("late (due");
        Assert.True(await small.FitsWidthAsync(), "A late milestone's badge pushes the timeline sideways on a phone: " + await small.OverflowingAsync());

        Assert.Empty(errors);
        Assert.Empty(phoneErrors);
        await desktop.DisposeAsync();
        await phone.DisposeAsync();
    }


    private static async Task<long> AddMilestoneAsync(HttpClient api, long projectId, string name, string dueDate)
    {
        var response = await api.PostAsJsonAsync($"/api/projects/{projectId}/milestones", new { name, dueDate });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }
}
