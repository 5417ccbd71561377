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
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
        await page.CloseAsync();
    }
}
