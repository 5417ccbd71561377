using Dapper;
using ImaginAI.Tracker.Data;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Photos;

/// <summary>
/// At start-up, before requests are served, removes what a crash can leave in the photo store: a file moved to its
/// content address whose row was never inserted (the process died between the two, and the phone never sent it
/// again), and a thumbnail's half-written temp file. One process serves a data directory, so no upload is in flight.
/// </summary>
public sealed class PhotoStoreSweeper(TrackerDb db, IOptions<StorageOptions> storage, ILogger<PhotoStoreSweeper> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        HashSet<string> stored;
        await using (var connection = await db.OpenAsync(cancellationToken))
            stored = (await connection.QueryAsync<string>("SELECT DISTINCT sha256 FROM photos")).ToHashSet(StringComparer.Ordinal);
        var removed = Sweep(storage.Value.PhotosPath, stored) + Sweep(storage.Value.ThumbnailsPath, stored);
        if (removed > 0) logger.LogWarning("Removed {Count} photo store files that no photo refers to (left by a crash)", removed);
    }

    private static int Sweep(string root, HashSet<string> stored)
    {
        if (!Directory.Exists(root)) return 0;
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(file);
            var sha256 = name.Split('.')[0];
            if (!name.EndsWith(".tmp", StringComparison.Ordinal) && stored.Contains(sha256)) continue;
            File.Delete(file);
            removed++;
        }
        return removed;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
