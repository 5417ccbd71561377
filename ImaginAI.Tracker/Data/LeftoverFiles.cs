namespace ImaginAI.Tracker.Data;

/// <summary>
/// What counts as a crash's leftover in the data directory. One node alone owns it at start-up, so everything
/// unreferenced is a leftover. With PostgreSQL several nodes may share the directory, and another node may be halfway
/// through an upload (its temp file, or its photo file moved in a moment before its row is inserted): only files
/// older than <see cref="SharedMinimumAge"/>, far longer than any upload takes, are taken for leftovers.
/// </summary>
public static class LeftoverFiles
{
    public static readonly TimeSpan SharedMinimumAge = TimeSpan.FromHours(1);

    public static TimeSpan MinimumAge(TrackerDb db) => db.IsPostgres ? SharedMinimumAge : TimeSpan.Zero;

    public static bool OldEnough(string path, TimeSpan minimumAge) =>
        minimumAge <= TimeSpan.Zero || DateTime.UtcNow - File.GetLastWriteTimeUtc(path) >= minimumAge;

    /// <summary>Empties the folder of files old enough to be leftovers (all of them, for one node).</summary>
    public static void Clear(string folder, TimeSpan minimumAge)
    {
        if (!Directory.Exists(folder)) return;
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            if (!OldEnough(file, minimumAge)) continue;
            try { File.Delete(file); }
            catch (FileNotFoundException) { } // another node starting at the same moment took it
        }
    }
}
