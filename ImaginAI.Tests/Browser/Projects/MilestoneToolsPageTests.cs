using ImaginAI.Tests.Browser.Accounts;
using ImaginAI.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImaginAI.Tests.Browser.Projects;

/// <summary>A manager renames, reorders (keyboard and drag) and deletes milestones on the timeline (issue 14, §5).</summary>
public sealed class MilestoneToolsPageTests(KestrelTrackerApp app, ChromiumBrowser chromium)
    : IClassFixture<KestrelTrackerApp>, IClassFixture<ChromiumBrowser>
{
    [Theory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task Timeline_RenameReorderAndDeleteMilestones_OrderAndConsequencesShownAndFocusKept(int width, int height)
    {
        using var api = app.CreateClient();
        var projectId = (await app.CreateProjectAsync($"Footbridge {width}", api)).GetProperty("id").GetInt64();
        var piers = await app.AddMilestoneAsync(projectId, "Piers", api);
        var deck = await app.AddMilestoneAsync(projectId, "Deck", api);
        var railings = await app.AddMilestoneAsync(projectId, "Railings", api);
        await app.WaitUntilDecidedAsync(await app.UploadOneAsync(projectId, "railings.jpg", RealPhotos.Read("Storm.jpg"), railings, api), TimeSpan.FromMinutes(2), api);

        var (context, errors) = await chromium.NewContextAsync(width, height);
        await context.SignInAsync(app);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, $"projects/{projectId}").ToString());
        var names = page.Locator("[data-milestones] .milestone-head h3");
        await Expect(names).ToHaveTextAsync(["Piers", "Deck", "Railings"]);

        // Rename: the field gets the focus, and after saving the Rename button has it back.
        await page.Locator($"[data-action='rename'][data-id='{piers}']").ClickAsync();
        var nameField = page.Locator($"[data-rename-form='{piers}'] input[name=name]");
        await Expect(nameField).ToBeFocusedAsync();
        await nameField.FillAsync("Piers cast");
        await page.Locator($"[data-rename-form='{piers}'] button[type=submit]").ClickAsync();
        await Expect(names).ToHaveTextAsync(["Piers cast", "Deck", "Railings"]);
        await Expect(page.Locator($"[data-action='rename'][data-id='{piers}']")).ToBeFocusedAsync();

        // Keyboard: Down moves it and keeps the focus on its Down button.
        await page.Locator($"[data-action='down'][data-id='{piers}']").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(names).ToHaveTextAsync(["Deck", "Piers cast", "Railings"]);
        await Expect(page.Locator($"[data-action='down'][data-id='{piers}']")).ToBeFocusedAsync();
        await Expect(page.Locator("[data-milestone-announcer]")).ToHaveTextAsync("Moved \"Piers cast\" to position 2 of 3.");

        if (width > 500)
        {
            // Drag Railings above Deck. A synthetic drag that Chromium did not start (the mouse moved before the page
            // took the press, on a loaded machine) is tried again, as a person would; three misses fail.
            for (var attempt = 1; ; attempt++)
            {
                await page.Locator($"[data-milestone-id='{railings}']").DragToAsync(page.Locator($"[data-milestone-id='{deck}']"),
                    new() { TargetPosition = new() { X = 100, Y = 5 } });
                try
                {
                    await Expect(names).ToHaveTextAsync(["Railings", "Deck", "Piers cast"], new() { Timeout = attempt < 3 ? 5_000 : 15_000 });
                    break;
                }
                catch (PlaywrightException) when (attempt < 3)
                {
                    Assert.Equal(["Deck", "Piers cast", "Railings"], await names.AllTextContentsAsync()); // untouched, not misplaced
                }
            }
        }
        await page.ReloadAsync();
        await Expect(names).ToHaveTextAsync(width > 500 ? ["Railings", "Deck", "Piers cast"] : ["Deck", "Piers cast", "Railings"]);
        Assert.True(await page.FitsWidthAsync(),
            "The timeline with milestone tools scrolls sideways.");

        // Delete says what happens to the photos before it does anything.
        var delete = page.Locator($"[data-action='delete'][data-id='{railings}']");
        await Expect(delete).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("danger"));
        await delete.ClickAsync();
        var dialog = page.Locator("[data-confirm-dialog]");
        await Expect(dialog).ToContainTextAsync("Delete the milestone \"Railings\"?");
        await Expect(dialog).ToContainTextAsync("Its 1 photo (0 site photos, 1 reference photo) move to \"Needs review\"");
        if (width > 500) await page.ScreenshotAsync(new() { Path = ReadmeScreenshot.PathFor("milestone-delete.png"), Animations = ScreenshotAnimations.Disabled });
        await page.Locator("[data-confirm-ok]").ClickAsync();
        await Expect(names).ToHaveTextAsync(width > 500 ? ["Deck", "Piers cast"] : ["Deck", "Piers cast"]);
        await Expect(page.Locator("[data-milestone-announcer]")).ToHaveTextAsync("Deleted \"Railings\". 1 photo moved to \"Needs review\".");
        await Expect(page.Locator("[data-lane='unmatched'] .thumb")).ToHaveCountAsync(1);
        await Expect(page.Locator("#milestones-title")).ToBeFocusedAsync();

        Assert.Empty(errors);
        await context.DisposeAsync();
    }
}
