using Microsoft.Playwright;

namespace ImaginAI.Tests.Browser;

/// <summary>Debian's chromium, headless, driven by Playwright; one browser per test class.</summary>
public sealed class ChromiumBrowser : IAsyncLifetime
{
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Playwright's 5 s for an expectation is short on a 2-core machine running two test servers, a database and
        // a browser at once; an expectation that holds returns as soon as it does, so a longer limit costs nothing.
        Assertions.SetDefaultExpectTimeout(15_000);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
    }

    /// <summary>A fresh context (cookies, storage) that collects the uncaught script errors of its pages.</summary>
    public async Task<(IBrowserContext Context, List<string> Errors)> NewContextAsync(BrowserNewContextOptions? options = null)
    {
        var context = await Browser.NewContextAsync(options);
        var errors = new List<string>();
        context.Page += (_, page) => page.PageError += (_, error) => errors.Add(error);
        return (context, errors);
    }

    /// <summary>A context at a screen size: below 500 px wide, a phone (touch, mobile viewport, sharp pixels).</summary>
    public Task<(IBrowserContext Context, List<string> Errors)> NewContextAsync(int width, int height, params string[] permissions) =>
        NewContextAsync(new()
        {
            ViewportSize = new() { Width = width, Height = height },
            IsMobile = width < 500, HasTouch = width < 500, DeviceScaleFactor = width < 500 ? 2 : 1,
            Permissions = permissions,
        });
}

public static class PageLayout
{
    /// <summary>Whether the page fits the screen's width (no sideways scrolling).</summary>
    public static Task<bool> FitsWidthAsync(this IPage page) =>
        page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth");

    /// <summary>The elements that reach past the screen's right edge, for an assertion's message.</summary>
    public static Task<string> OverflowingAsync(this IPage page) =>
        page.EvaluateAsync<string>("""
            () => [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
              .slice(0, 8).map(e => `${e.tagName}.${e.className}[${Math.round(e.getBoundingClientRect().right)}]`).join(' ')
            """);
}

public static class UploadQueue
{
    /// <summary>
    /// Brings the network back and presses an upload's "Try now". The page's own timed retry may send the photo
    /// first, between the button being seen and the click landing; then there is nothing left to press, as for a
    /// worker a moment too slow, and the photo goes all the same.
    /// </summary>
    public static async Task TryNowAsync(this ILocator uploadItem, Action networkBack)
    {
        await Assertions.Expect(uploadItem.GetByRole(AriaRole.Button, new() { Name = "Try now" })).ToBeVisibleAsync();
        networkBack();
        await uploadItem.EvaluateAsync("item => [...item.querySelectorAll('button')].find(b => b.textContent.trim() === 'Try now')?.click()");
    }
}
