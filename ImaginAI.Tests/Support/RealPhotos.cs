using System.Diagnostics;

namespace ImaginAI.Tests.Support;

/// <summary>
/// Real photographs from a Debian wallpaper package, fetched by scripts/fetch-photos.sh on first use (never
/// committed: they are GPL-2+). A test that needs them fails with the script's output when they cannot be had.
/// </summary>
public static class RealPhotos
{
    private static readonly Lazy<string> Folder = new(Fetch, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Directory => Folder.Value;

    /// <summary>The nature photographs (about a dozen distinct scenes), sorted by name.</summary>
    public static IReadOnlyList<string> Scenes =>
        System.IO.Directory.GetFiles(Directory, "*.jpg").Where(f => !Path.GetFileName(f).StartsWith("Elephants")).Order().ToList();

    public static byte[] Read(string fileName) => File.ReadAllBytes(Path.Combine(Directory, fileName));

    /// <summary>A 5640×3172 JPEG (17.9 MP), for large-photo paths.</summary>
    public static string Large => Path.Combine(Directory, "Elephants_5640x3172.jpg");

    private static string Fetch()
    {
        var repo = RepoRoot.Path;
        var dest = Environment.GetEnvironmentVariable("IMAGINAI_PHOTOS") ?? Path.Combine(repo, ".cache", "photos");
        if (File.Exists(Path.Combine(dest, ".complete"))) return dest;
        var psi = new ProcessStartInfo("bash", [Path.Combine(repo, "scripts", "fetch-photos.sh"), dest])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(Path.Combine(dest, ".complete")))
            throw new InvalidOperationException($"Could not fetch the test photos with scripts/fetch-photos.sh:\n{output}");
        return dest;
    }
}

/// <summary>The repository root, found by walking up from the test binaries to the solution file.</summary>
public static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ImaginAI.Tracker.sln"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find ImaginAI.Tracker.sln above " + AppContext.BaseDirectory);
    }
}
