using ImaginAI.Tests.Integration;
using ImaginAI.Tests.Integration.Accounts;
using ImaginAI.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ImaginAI.Tests.Browser.Accounts;

/// <summary>
/// Forms that create or destroy (issue 14, §5): a reload after creating a token creates nothing, the new token has a
/// copy button, and revoking asks first, in words that say what it does, from a button styled as dangerous.
/// </summary>
public sealed class DestructiveActionsPageTests(KestrelTrackerApp app, ChromiumBrowser chromium)
    : IClassFixture<KestrelTrackerApp>, IClassFixture<ChromiumBrowser>
{
    [Theory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task AccountPage_CreateTokenReloadCopyAndRevoke_OneTokenCopiedAndRevokedOnlyAfterConfirming(int width, int height)
    {
        var user = await app.CreateUserAsync(ImaginAI.Tracker.Accounts.Roles.Field);
        var (context, errors) = await chromium.NewContextAsync(width, height, "clipboard-read", "clipboard-write");
        await context.SignInAsync(app, user.Email, user.Password);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "account").ToString());
        var before = await CountTokensAsync(user.Id);

        await page.FillAsync("form[action='/account/tokens'] input[name=name]", "site phone");
        await page.ClickAsync("form[action='/account/tokens'] button[type=submit]");
        await Expect(page.Locator("#new-token")).ToBeVisibleAsync();
        Assert.EndsWith("/account", new Uri(page.Url).AbsolutePath);
        var token = await page.Locator("#new-token").InputValueAsync();

        await page.ClickAsync("[data-copy='#new-token']");
        await Expect(page.Locator("[data-copy-status]")).ToContainTextAsync("Copied");
        Assert.Equal(token, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        await page.ReloadAsync();
        await Expect(page.Locator("#new-token")).ToHaveCountAsync(0);
        Assert.Equal(before + 1, await CountTokensAsync(user.Id));

        var revoke = page.Locator("tr", new() { HasText = "site phone" }).Locator("form[action$='/revoke'] button");
        await Expect(revoke).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("danger"));
        // Revoke is in reach at every width: nothing scrolls sideways, on the page or inside the tokens' box.
        var box = await revoke.BoundingBoxAsync();
        Assert.True(box is not null && box.X + box.Width <= width, $"Revoke ends at {box?.X + box?.Width} px on a {width} px screen");
        Assert.True(await page.EvaluateAsync<bool>("() => [...document.querySelectorAll('.table-scroll')].every(e => e.scrollWidth <= e.clientWidth)"),
            "the tokens' table scrolls sideways");
        Assert.True(await page.FitsWidthAsync(), "the account page scrolls sideways");
        await revoke.ClickAsync();
        var dialog = page.Locator("[data-confirm-dialog]");
        await Expect(dialog).ToContainTextAsync("Revoke the token \"site phone\"?");
        await Expect(dialog).ToContainTextAsync("refused from now on");
        await page.Locator("[data-confirm-cancel]").ClickAsync();
        Assert.Equal(0L, await CountRevokedAsync(user.Id));

        await revoke.ClickAsync();
        await page.Locator("[data-confirm-ok]").ClickAsync();
        await Expect(page.Locator("[role=status]").First).ToContainTextAsync("Token revoked");
        Assert.Equal(1L, await CountRevokedAsync(user.Id));
        await page.ReloadAsync();
        Assert.Equal(1L, await CountRevokedAsync(user.Id));
        Assert.Equal(before + 1, await CountTokensAsync(user.Id));

        Assert.Empty(errors);
        await context.DisposeAsync();
    }

    private Task<long> CountTokensAsync(long userId) =>
        TrackerDatabase.ScalarAsync<long>(app.DatabasePath, "SELECT COUNT(*) FROM api_tokens WHERE user_id = @userId", new { userId });

    private Task<long> CountRevokedAsync(long userId) =>
        TrackerDatabase.ScalarAsync<long>(app.DatabasePath, "SELECT COUNT(*) FROM api_tokens WHERE user_id = @userId AND revoked_at IS NOT NULL", new { userId });
}
