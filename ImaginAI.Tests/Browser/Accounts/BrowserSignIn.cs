using ImaginAI.Tests.Support;
using Microsoft.Playwright;

namespace ImaginAI.Tests.Browser.Accounts;

public static class BrowserSignIn
{
    /// <summary>Signs the context in through the login page, as a person would (the admin unless told otherwise).</summary>
    public static async Task SignInAsync(this IBrowserContext context, TrackerApp app,
        string email = TrackerApp.AdminEmail, string password = TrackerApp.AdminPassword)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "account/login").ToString());
        await page.FillAsync("input[name=Email]", email);
        await page.FillAsync("input[name=Password]", password);
        await page.RunAndWaitForNavigationAsync(() => page.ClickAsync("button[type=submit]"));
        if (page.Url.Contains("/account/login", StringComparison.Ordinal))
        {
            var refusal = await page.Locator(".form-error").AllTextContentsAsync();
            throw new InvalidOperationException($"Signing in {email} in the browser failed: {string.Join(" ", refusal)} ({page.Url})");
        }
        await page.CloseAsync();
    }
}
