using System.Net.Http.Json;
using System.Text.RegularExpressions;
using ImaginAI.Tests.Browser.Accounts;
using ImaginAI.Tests.Integration.Accounts;
using ImaginAI.Tests.Integration.Photos;
using ImaginAI.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImaginAI.Tests.Browser.Photos;

/// <summary>
/// Photos that carry their context (issue 14, §3–4) as members see them in Debian's chromium: note and tags from the
/// upload page (through the offline queue) on the photo page and in the gallery, tag suggestions, live comments, and a
/// filtered gallery shared by its address.
/// </summary>
public sealed class PhotoContextPageTests(KestrelTrackerApp app, ChromiumBrowser chromium)
    : IClassFixture<KestrelTrackerApp>, IClassFixture<ChromiumBrowser>
{
    private const float SlowMachineTimeoutMs = 30_000;

    [Theory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task UploadPage_NoteAndTagsForTheBatchThroughTheOfflineQueue_ShowOnThePhotoPageAndInTheGalleryFilter(int width, int height)
    {
        var team = await app.CreateTeamAsync($"Harbour wall {width}");
        using var manager = app.CreateClientWithToken(team.Manager.Token);
        await PhotoContextTests.UploadWithContextAsync(app, manager, team.ProjectId, "scaffold.jpg", tags: "Scaffolding");
        var photoFile = Path.Combine(Directory.CreateTempSubdirectory("imaginai-context-").FullName, "north-window.jpg");
        await File.WriteAllBytesAsync(photoFile, TestImages.QuadrantsJpeg(1000 + width, 750));
        var (context, errors) = await chromium.NewContextAsync(width, height);
        context.SetDefaultTimeout(SlowMachineTimeoutMs);
        await context.SignInAsync(app, team.Field.Email, team.Field.Password);
        // No network for uploads until the photo has waited in the queue across a reload.
        var online = false;
        await context.RouteAsync($"**/api/projects/{team.ProjectId}/photos", async route =>
        {
            if (online) await route.ContinueAsync();
            else await route.AbortAsync("internetdisconnected");
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, $"projects/{team.ProjectId}/upload").ToString());

        // The project's existing tags are offered as the worker types.
        var tagEntry = page.Locator("[data-batch-tags] [data-tag-entry]");
        await Expect(tagEntry).ToHaveAttributeAsync("list", "project-tags");
        await Expect(page.Locator("#project-tags option[value='scaffolding']")).ToHaveCountAsync(1);
        await page.Locator("[data-batch-note]").FillAsync("Water under the north window");
        await tagEntry.FillAsync("Roof");
        await tagEntry.PressAsync("Enter");
        await tagEntry.FillAsync("#leak");
        await tagEntry.PressAsync("Enter");
        await Expect(page.Locator("[data-batch-tags] .tag-chip")).ToHaveTextAsync(new Regex[] { new("leak"), new("roof") });
        await page.Locator("[data-picker]").SetInputFilesAsync(photoFile);
        await Expect(page.Locator(".upload-item[data-state='retrying']")).ToHaveCountAsync(1);

        await page.ReloadAsync();
        var item = page.Locator(".upload-item", new() { HasText = "north-window.jpg" });
        await Expect(item).ToHaveAttributeAsync("data-state", "retrying");
        await item.TryNowAsync(() => online = true);
        await Expect(item).ToHaveAttributeAsync("data-state", "accepted", new() { Timeout = 30_000 });
        var photoId = await item.GetAttributeAsync("data-photo-id");
        Assert.True(await page.FitsWidthAsync(), "The upload page scrolls sideways.");

        using var field = app.CreateClientWithToken(team.Field.Token);
        (await field.PostAsJsonAsync($"/api/photos/{photoId}/comments", new { body = "Drip tray under it for now; roofer booked for Monday." }))
            .EnsureSuccessStatusCode();
        await page.GotoAsync(new Uri(app.BaseAddress, $"photos/{photoId}").ToString());
        await Expect(page.Locator("[data-note-text]")).ToHaveTextAsync("Water under the north window");
        await Expect(page.Locator(".comment [data-comment-body]")).ToHaveTextAsync("Drip tray under it for now; roofer booked for Monday.");
        await Expect(page.Locator("[data-tag-list] .tag-chip")).ToHaveTextAsync(new Regex[] { new("^leak$"), new("^roof$") });
        await Expect(page.Locator("[data-uploader]")).ToContainTextAsync($"Uploaded by {team.Field.Email}");
        Assert.True(await page.FitsWidthAsync(), "The photo page scrolls sideways.");
        if (width > 500)
            await page.ScreenshotAsync(new() { Path = ReadmeScreenshot.PathFor("photo-context.png"), FullPage = true, Clip = new() { X = 0, Y = 0, Width = width, Height = 1350 }, Animations = ScreenshotAnimations.Disabled });

        await page.GotoAsync(new Uri(app.BaseAddress, $"projects/{team.ProjectId}/gallery").ToString());
        await Expect(page.Locator("[data-gallery-grid] .thumb")).ToHaveCountAsync(2);
        await Expect(page.Locator("#gallery-tags option[value='leak']")).ToHaveCountAsync(1);
        await page.Locator("[data-filter='tag']").FillAsync("leak");
        await page.RunAndWaitForNavigationAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Show photos" }).ClickAsync());
        Assert.Contains("tag=leak", page.Url, StringComparison.Ordinal);
        var tile = page.Locator("[data-gallery-grid] .thumb");
        await Expect(tile).ToHaveCountAsync(1);
        await Expect(tile).ToHaveAttributeAsync("data-photo-id", photoId!);
        await Expect(tile.Locator("[data-caption]")).ToContainTextAsync($"by {team.Field.Email}");
        await Expect(page.Locator("[data-gallery-summary]")).ToHaveTextAsync("1 photo match.");
        Assert.True(await page.FitsWidthAsync(), "The gallery scrolls sideways.");

        Assert.Empty(errors);
        await context.DisposeAsync();
    }

    [Theory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task PhotoPage_CommentPostedInOneBrowser_AppearsLiveInAnotherAndItsDeleteIsConfirmed(int width, int height)
    {
        var team = await app.CreateTeamAsync($"Dock gate {width}");
        using var field = app.CreateClientWithToken(team.Field.Token);
        var photoId = await PhotoContextTests.UploadWithContextAsync(app, field, team.ProjectId, "gate.jpg", note: "Hinge rusted");
        var (managerContext, managerErrors) = await chromium.NewContextAsync(1280, 900);
        managerContext.SetDefaultTimeout(SlowMachineTimeoutMs);
        await managerContext.SignInAsync(app, team.Manager.Email, team.Manager.Password);
        var (fieldContext, fieldErrors) = await chromium.NewContextAsync(width, height);
        fieldContext.SetDefaultTimeout(SlowMachineTimeoutMs);
        await fieldContext.SignInAsync(app, team.Field.Email, team.Field.Password);
        var managerPage = await managerContext.NewPageAsync();
        await managerPage.GotoAsync(new Uri(app.BaseAddress, $"photos/{photoId}").ToString());
        await Expect(managerPage.Locator("[data-connection]")).ToHaveAttributeAsync("data-state", "live");
        await Expect(managerPage.Locator("[data-no-comments]")).ToBeVisibleAsync();
        var fieldPage = await fieldContext.NewPageAsync();
        await fieldPage.GotoAsync(new Uri(app.BaseAddress, $"photos/{photoId}").ToString());
        await Expect(fieldPage.Locator("[data-connection]")).ToHaveAttributeAsync("data-state", "live");

        const string text = "<b>Is this</b> the hinge to replace?";
        await fieldPage.Locator("[data-comment-input]").FillAsync(text);
        await fieldPage.GetByRole(AriaRole.Button, new() { Name = "Post comment" }).ClickAsync();

        var seenByManager = managerPage.Locator(".comment");
        await Expect(seenByManager).ToHaveCountAsync(1);
        await Expect(seenByManager.Locator("[data-comment-body]")).ToHaveTextAsync(text);
        await Expect(seenByManager.Locator("b")).ToHaveCountAsync(0);
        await Expect(seenByManager).ToContainTextAsync(team.Field.Email);
        await Expect(fieldPage.Locator("[data-comment-input]")).ToBeFocusedAsync();
        await Expect(fieldPage.Locator("[data-comment-input]")).ToHaveValueAsync("");
        Assert.True(await fieldPage.FitsWidthAsync(), "The photo page with comments scrolls sideways: " + await fieldPage.EvaluateAsync<string>(
            "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 8).map(e => e.tagName + '.' + e.className + '[' + Math.round(e.getBoundingClientRect().right) + ']').join(' ')"));

        // The manager deletes it after confirming; the worker's page loses it at once.
        await seenByManager.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(managerPage.Locator("[data-confirm-dialog]")).ToContainTextAsync("Delete this comment?");
        await managerPage.Locator("[data-confirm-ok]").ClickAsync();
        await Expect(managerPage.Locator(".comment")).ToHaveCountAsync(0);
        await Expect(fieldPage.Locator(".comment")).ToHaveCountAsync(0);
        await Expect(fieldPage.Locator("[data-no-comments]")).ToBeVisibleAsync();

        Assert.Empty(managerErrors);
        Assert.Empty(fieldErrors);
        await managerContext.DisposeAsync();
        await fieldContext.DisposeAsync();
    }

    [Fact]
    public async Task Gallery_FiltersChosenOnADesktop_LinkReproducesTheSameViewOnAnotherMembersPhone()
    {
        var team = await app.CreateTeamAsync("Shared gallery");
        using var field = app.CreateClientWithToken(team.Field.Token);
        using var manager = app.CreateClientWithToken(team.Manager.Token);
        var wanted = new List<long>();
        for (var day = 1; day <= 4; day++)
            wanted.Add(await PhotoContextTests.UploadWithContextAsync(app, field, team.ProjectId, $"crack-{day}.jpg", tags: "crack", takenAt: $"2026-11-{day:00}T09:00:00Z"));
        await PhotoContextTests.UploadWithContextAsync(app, manager, team.ProjectId, "crack-by-manager.jpg", tags: "crack", takenAt: "2026-11-02T09:00:00Z");
        await PhotoContextTests.UploadWithContextAsync(app, field, team.ProjectId, "pipe.jpg", tags: "pipe", takenAt: "2026-11-02T09:00:00Z");

        var (desktop, desktopErrors) = await chromium.NewContextAsync(1280, 900);
        desktop.SetDefaultTimeout(SlowMachineTimeoutMs);
        await desktop.SignInAsync(app, team.Field.Email, team.Field.Password);
        var page = await desktop.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, $"projects/{team.ProjectId}").ToString());
        await page.Locator("[data-gallery-link]").ClickAsync();
        await Expect(page.Locator("[data-gallery-grid] .thumb")).ToHaveCountAsync(6);
        await page.Locator("[data-filter='uploader']").SelectOptionAsync(team.Field.Id.ToString());
        await page.Locator("[data-filter='tag']").FillAsync("crack");
        await page.Locator("[data-filter='from']").FillAsync("2026-11-02");
        await page.Locator("[data-filter='to']").FillAsync("2026-11-03");
        await page.RunAndWaitForNavigationAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Show photos" }).ClickAsync());
        await Expect(page.Locator("[data-gallery-grid] .thumb")).ToHaveCountAsync(2);
        var shown = await TileIdsAsync(page);
        Assert.Equal(new[] { wanted[2], wanted[1] }, shown);
        var link = page.Url;

        var (phone, phoneErrors) = await chromium.NewContextAsync(390, 844);
        phone.SetDefaultTimeout(SlowMachineTimeoutMs);
        await phone.SignInAsync(app, team.Manager.Email, team.Manager.Password);
        var other = await phone.NewPageAsync();
        await other.GotoAsync(link);
        await Expect(other.Locator("[data-gallery-grid] .thumb")).ToHaveCountAsync(2);
        Assert.Equal(shown, await TileIdsAsync(other));
        await Expect(other.Locator("[data-filter='uploader']")).ToHaveValueAsync(team.Field.Id.ToString());
        await Expect(other.Locator("[data-filter='tag']")).ToHaveValueAsync("crack");
        await Expect(other.Locator("[data-filter='from']")).ToHaveValueAsync("2026-11-02");
        await Expect(other.Locator("[data-gallery-summary]")).ToHaveTextAsync("2 photos match.");
        Assert.True(await other.FitsWidthAsync(), "The gallery scrolls sideways on a phone.");

        Assert.Empty(desktopErrors);
        Assert.Empty(phoneErrors);
        await desktop.DisposeAsync();
        await phone.DisposeAsync();
    }

    private static async Task<long[]> TileIdsAsync(IPage page) =>
        (await page.Locator("[data-gallery-grid] .thumb").EvaluateAllAsync<string[]>("tiles => tiles.map(t => t.dataset.photoId)"))
        .Select(long.Parse).ToArray();
}
