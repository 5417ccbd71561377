using ImaginAI.Tests.Browser.Accounts;
using ImaginAI.Tests.Integration;
using ImaginAI.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ImaginAI.Tests.Browser.Projects;

/// <summary>
/// A manager creates a project (a reload creates no second one), renames and describes it, archives it (read-only,
/// hidden from the list) and unarchives it (issue 14, §5).
/// </summary>
public sealed class ProjectEditPageTests(KestrelTrackerApp app, ChromiumBrowser chromium)
    : IClassFixture<KestrelTrackerApp>, IClassFixture<ChromiumBrowser>
{
    [Theory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task Projects_CreateReloadRenameArchiveUnarchive_OneProjectReadOnlyWhileArchivedAndHiddenFromTheList(int width, int height)
    {
        var name = $"Canal lock gates {width}";
        var (context, errors) = await chromium.NewContextAsync(width, height);
        await context.SignInAsync(app);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "").ToString());
        await page.FillAsync("[data-create-project] input[name=name]", name);
        await page.ClickAsync("[data-create-project] button[type=submit]");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/projects/\\d+$"));
        await page.ReloadAsync();
        await Expect(page.Locator("[data-project-name]")).ToHaveTextAsync(name);
        Assert.Equal(1L, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath, "SELECT COUNT(*) FROM projects WHERE name = @name", new { name }));
        var projectId = long.Parse(new Uri(page.Url).Segments.Last());

        var form = page.Locator("[data-project-form]");
        await form.Locator("input[name=name]").FillAsync(name + " (east)");
        await form.Locator("textarea[name=description]").FillAsync("Replacing both lower gates.");
        await form.Locator("button[type=submit]").ClickAsync();
        await Expect(form.Locator("[data-form-ok]")).ToHaveTextAsync("Saved.");
        await Expect(page.Locator("[data-project-name]")).ToHaveTextAsync(name + " (east)");
        await Expect(page.Locator("[data-project-description]")).ToHaveTextAsync("Replacing both lower gates.");

        var archive = page.Locator("[data-archive-project]");
        await Expect(archive).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("danger"));
        await archive.ClickAsync();
        await Expect(page.Locator("[data-confirm-dialog]")).ToContainTextAsync("It becomes read-only");
        await page.Locator("[data-confirm-ok]").ClickAsync();
        await Expect(page.Locator("[data-archived-banner]")).ToContainTextAsync("It is read-only");
        await Expect(page.Locator("[data-upload-link]")).ToBeHiddenAsync();
        await Expect(page.Locator("[data-add-milestone]")).ToBeHiddenAsync();
        await Expect(archive).ToHaveTextAsync("Unarchive project");
        await Expect(archive).ToBeFocusedAsync();

        await page.GotoAsync(new Uri(app.BaseAddress, "").ToString());
        await Expect(page.Locator($"[data-project-list] [data-project-id='{projectId}']")).ToHaveCountAsync(0);
        var archivedSection = page.Locator("[data-archived-projects]");
        await Expect(archivedSection.Locator("summary")).ToContainTextAsync("Archived projects");
        await archivedSection.Locator("summary").ClickAsync();
        await Expect(archivedSection.Locator($"[data-project-id='{projectId}'] [data-archived]")).ToHaveTextAsync("Archived, read-only");
        Assert.True(await page.FitsWidthAsync(),
            "The projects list scrolls sideways.");

        await page.GotoAsync(new Uri(app.BaseAddress, $"projects/{projectId}").ToString());
        await Expect(page.Locator("[data-archive-project]")).ToHaveTextAsync("Unarchive project");
        await page.Locator("[data-archive-project]").ClickAsync();
        await Expect(page.Locator("[data-archived-banner]")).ToBeHiddenAsync();
        await Expect(page.Locator("[data-upload-link]")).ToBeVisibleAsync();

        Assert.Empty(errors);
        await context.DisposeAsync();
    }
}
