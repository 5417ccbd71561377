using Dapper;
using ImaginAI.Tracker.Data;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Photos;

/// <summary>
/// At start-up, before requests are served, removes what a crash can leave in the photo store: a file moved to its
/// content address whose row was never inserted (the process died between the two, and the phone never sent it
/// again), and a thumbnail's half-written temp file. With several nodes on one directory only files old enough not to
/// be another node's upload in flight are removed (<see cref="LeftoverFiles"/>).
/// </summary>
public sealed class PhotoStoreSweeper(TrackerDb db, IOptions<StorageOptions> storage, ILogger<PhotoStoreSweeper> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        HashSet<string> stored;
        await using (var connection = await db.OpenAsync(cancellationToken))
            stored = (await connection.QueryAsync<string>("SELECT DISTINCT sha256 FROM photos")).ToHashSet(StringComparer.Ordinal);
        var minimumAge = LeftoverFiles.MinimumAge(db);
        var tag = LeftoverFiles.Tag(db);
        var removed = SweepPlacing(storage.Value, stored, minimumAge, tag)
                      + Sweep(storage.Value.PhotosPath, stored, minimumAge, tag) + Sweep(storage.Value.ThumbnailsPath, stored, minimumAge, tag);
        if (removed > 0) logger.LogWarning("Removed {Count} photo store files that no photo refers to (left by a crash)", removed);
    }

    /// <summary>
    /// Photo files this node was placing when it stopped (their markers carry its mark), or anybody's an hour ago: a file
    /// whose row never came is removed at once, where an unmarked one would wait out the hour.
    /// </summary>
    private static int SweepPlacing(StorageOptions storage, HashSet<string> stored, TimeSpan minimumAge, string ownTag)
    {
        if (!Directory.Exists(storage.TempPath)) return 0;
        var removed = 0;
        foreach (var marker in Directory.EnumerateFiles(storage.TempPath, "*" + PhotoFileStore.PlacingSuffix))
        {
            if (!LeftoverFiles.Removable(marker, minimumAge, ownTag)) continue;
            if (PhotoFileStore.ParsePlacingMarker(marker) is var (sha256, extension) && !stored.Contains(sha256))
            {
                var photo = Path.Combine(storage.PhotosPath, sha256[..2], sha256 + extension);
                if (File.Exists(photo))
                {
                    File.Delete(photo);
                    removed++;
                }
            }
            File.Delete(marker);
        }
        return removed;
    }

    private static int Sweep(string root, HashSet<string> stored, TimeSpan minimumAge, string ownTag)
    {
        if (!Directory.Exists(root)) return 0;
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(file);
            var sha256 = name.Split('.')[0];
            var temp = name.EndsWith(".tmp", StringComparison.Ordinal);
            if (!temp && stored.Contains(sha256)) continue;
            // A photo file without its row carries no node's mark: only its age says it is not another node's upload.
            if (temp ? !LeftoverFiles.Removable(file, minimumAge, ownTag) : !LeftoverFiles.OldEnough(file, minimumAge)) continue;
            try { File.Delete(file); }
            catch (FileNotFoundException) { continue; } // another node starting at the same moment took it
            removed++;
        }
        return removed;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
