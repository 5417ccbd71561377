namespace ImaginAI.Tests.Browser;

/// <summary>
/// Where a browser test saves its screenshot: docs/images (shown by the README) when IMAGINAI_UPDATE_SCREENSHOTS=1
/// and the README shows that file, else the temp folder, so an ordinary test run leaves the work tree clean and a
/// refresh adds no image the README does not use.
/// </summary>
public static class ReadmeScreenshot
{
    private static readonly Lazy<string> Readme = new(() => File.ReadAllText(System.IO.Path.Combine(Support.RepoRoot.Path, "README.md")));

    public static string PathFor(string fileName)
    {
        var folder = Environment.GetEnvironmentVariable("IMAGINAI_UPDATE_SCREENSHOTS") == "1"
                     && Readme.Value.Contains($"docs/images/{fileName}", StringComparison.Ordinal)
            ? System.IO.Path.Combine(Support.RepoRoot.Path, "docs", "images")
            : System.IO.Path.Combine(System.IO.Path.GetTempPath(), "imaginai-screenshots");
        Directory.CreateDirectory(folder);
        return System.IO.Path.Combine(folder, fileName);
    }
}
