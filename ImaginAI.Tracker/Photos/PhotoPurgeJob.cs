using ImaginAI.Tracker.Matching;
using ImaginAI.Tracker.Timelapse;
using Quartz;

namespace ImaginAI.Tracker.Photos;

/// <summary>
/// Purges photos deleted more than <see cref="Grace"/> ago: the row (with its vectors), the vectors in memory, the
/// thumbnail, its time-lapse, and the stored file unless another photo (in another project) has the same bytes. Until then a
/// manager can restore the photo.
/// </summary>
[DisallowConcurrentExecution]
public sealed class PhotoPurgeJob(
    PhotoRepository photos, PhotoFileStore store, VectorIndexRegistry indexes, TimelapseBuilder timelapses, TimeProvider clock, ILogger<PhotoPurgeJob> logger) : IJob
{
    public static readonly JobKey Key = new("photo-purge");
    public static readonly TimeSpan Grace = TimeSpan.FromDays(30);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        foreach (var photo in await photos.GetDeletedBeforeAsync(clock.GetUtcNow() - Grace))
        {
            var (purged, fileStillUsed) = await photos.PurgeAsync(photo.Id, photo.Sha256);
            if (!purged) continue; // restored meanwhile
            indexes.RemoveEverywhere(photo.ProjectId, photo.Id);
            timelapses.RemoveFor(photo.Id);
            if (!fileStillUsed)
            {
                File.Delete(store.PhotoPath(photo.Sha256, photo.ContentType));
                File.Delete(store.ThumbnailPath(photo.Sha256));
            }
            logger.LogInformation("Purged photo {PhotoId} of project {ProjectId}, deleted {DeletedAt}", photo.Id, photo.ProjectId, photo.DeletedAt);
        }
    }
}
