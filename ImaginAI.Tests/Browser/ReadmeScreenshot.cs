namespace ImaginAI.Tests.Browser;

/// <summary>
/// Where a browser test saves its screenshot: docs/images (shown by the README) when IMAGINAI_UPDATE_SCREENSHOTS=1,
/// else the temp folder, so an ordinary test run leaves the work tree clean.
/// </summary>
public static class ReadmeScreenshot
{
    public static string PathFor(string fileName)
    {
        var folder = Environment.GetEnvironmentVariable("IMAGINAI_UPDATE_SCREENSHOTS") == "1"
            ? System.IO.Path.Combine(Support.RepoRoot.Path, "docs", "images")
            : System.IO.Path.Combine(System.IO.Path.GetTempPath(), "imaginai-screenshots");
        Directory.CreateDirectory(folder);
        return System.IO.Path.Combine(folder, fileName);
    }
}
