namespace ImaginAI.Tracker.Data;

/// <summary>
/// What counts as a crash's leftover in the data directory. One node alone owns it at start-up, so everything
/// unreferenced is a leftover. With PostgreSQL several nodes may share the directory, and another node may be halfway
/// through an upload (its temp file, or its photo file moved in a moment before its row is inserted): only files
/// older than <see cref="SharedMinimumAge"/>, far longer than any upload takes, are taken for leftovers. Temp files
/// carry their node's <see cref="Tag(string)"/>, so a node restarted under the same Database:NodeId removes its own at once:
/// nothing of its own can be in flight while it starts.
/// </summary>
public static class LeftoverFiles
{
    public static readonly TimeSpan SharedMinimumAge = TimeSpan.FromHours(1);

    public static TimeSpan MinimumAge(TrackerDb db) => db.IsPostgres ? SharedMinimumAge : TimeSpan.Zero;

    public static bool OldEnough(string path, TimeSpan minimumAge) =>
        minimumAge <= TimeSpan.Zero || DateTime.UtcNow - File.GetLastWriteTimeUtc(path) >= minimumAge;

    /// <summary>This node's mark in the names of the temp files it writes (file-name safe, whatever the node's name).</summary>
    public static string Tag(TrackerDb db) => Tag(db.NodeId);

    public static string Tag(string nodeId) =>
        "n" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(nodeId)))[..12] + "-";

    /// <summary>A temp file this node wrote before it was restarted, or one old enough to be anybody's leftover.</summary>
    public static bool Removable(string path, TimeSpan minimumAge, string ownTag) =>
        Path.GetFileName(path).Contains(ownTag, StringComparison.Ordinal) || OldEnough(path, minimumAge);

    /// <summary>Empties the folder of this node's earlier temp files and of files old enough to be leftovers (all of them, for one node).</summary>
    public static void Clear(string folder, TimeSpan minimumAge, string ownTag)
    {
        if (!Directory.Exists(folder)) return;
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            // A marker of a photo file being placed is read by PhotoStoreSweeper, which knows the rows.
            if (file.EndsWith(".placing", StringComparison.Ordinal) || !Removable(file, minimumAge, ownTag)) continue;
            try { File.Delete(file); }
            catch (FileNotFoundException) { } // another node starting at the same moment took it
        }
    }
}
