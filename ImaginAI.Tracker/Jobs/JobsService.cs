using System.Diagnostics;
using ImaginAI.Tracker.Embedding;
using ImaginAI.Tracker.Matching;
using ImaginAI.Tracker.Photos;
using ImaginAI.Tracker.Telemetry;
using ImaginAI.Tracker.Timeline;

namespace ImaginAI.Tracker.Jobs;

public sealed record ProjectQueue(long ProjectId, string Name, IReadOnlyDictionary<string, int> Photos);

public sealed record OldestWaiting(long PhotoId, long ProjectId, string FileName, string Status, DateTimeOffset UploadedAt, double WaitedSeconds);

/// <summary>What GET /api/admin/jobs and the jobs page show.</summary>
public sealed record JobsOverview(
    IReadOnlyDictionary<string, int> Photos,
    IReadOnlyList<ProjectQueue> Projects,
    OldestWaiting? OldestWaiting,
    IReadOnlyDictionary<string, bool> Paused,
    IReadOnlyList<FailedPhoto> RecentFailures);

public sealed record QueueState(string Queue, bool Paused);

public sealed record RetryOutcome(int Requeued, IReadOnlyList<long> PhotoIds);

public sealed record ReembedOutcome(long ProjectId, int Photos);

/// <summary>
/// The operator's controls over the photo queue, shared by the jobs API and the jobs page: counts, pause and resume,
/// retrying failed photos and re-embedding a project.
/// </summary>
public sealed class JobsService(
    JobsRepository jobs,
    PhotoRepository photos,
    JobControls controls,
    EmbeddingQueue embedding,
    MatchingQueue matching,
    TimelineNotifier notifier,
    PhotoTelemetry telemetry,
    TimeProvider clock)
{
    private const int RecentFailures = 50;

    public async Task<JobsOverview> GetOverviewAsync()
    {
        var byProject = (await jobs.CountByProjectAndStatusAsync())
            .GroupBy(r => (r.ProjectId, r.ProjectName))
            .Select(g => new ProjectQueue(g.Key.ProjectId, g.Key.ProjectName, PhotoRepository.AllStatuses.ToDictionary(
                s => s, s => g.Where(r => r.Status == s).Sum(r => r.Count))))
            .ToList();
        var oldest = await jobs.GetOldestWaitingAsync();
        var paused = await controls.GetAsync();
        return new JobsOverview(
            await photos.CountByStatusAsync(),
            byProject,
            oldest is null ? null : new OldestWaiting(oldest.Id, oldest.ProjectId, oldest.FileName, oldest.Status, oldest.UploadedAt,
                Math.Max(0, Math.Round((clock.GetUtcNow() - oldest.UploadedAt).TotalSeconds))),
            JobQueues.All.ToDictionary(q => q, q => paused.GetValueOrDefault(q)),
            await jobs.GetFailedAsync(RecentFailures));
    }

    /// <summary>Pauses or resumes a queue; a resumed queue runs at once. False for an unknown queue.</summary>
    public async Task<bool> SetPausedAsync(string queue, bool paused, string? by)
    {
        if (!JobQueues.IsValid(queue)) return false;
        await controls.SetPausedAsync(queue, paused, by);
        if (!paused) await (queue == JobQueues.Embedding ? embedding.WakeAsync() : matching.WakeAsync());
        return true;
    }

    /// <summary>Sends failed photos (one, a project's, or all) back to the embedding queue and tells their timelines.</summary>
    public async Task<RetryOutcome> RetryFailedAsync(long? photoId, long? projectId, string by)
    {
        var started = Stopwatch.GetTimestamp();
        var requeued = await jobs.RetryFailedAsync(photoId, projectId, clock.GetUtcNow());
        foreach (var photo in requeued)
        {
            telemetry.Requeued(photo.Id, photo.ProjectId, PhotoStatus.Failed, PhotoStatus.Pending, by, Stopwatch.GetElapsedTime(started));
            await notifier.PhotoUpdatedAsync(photo.Id);
        }
        if (requeued.Count > 0) await embedding.WakeAsync();
        return new RetryOutcome(requeued.Count, requeued.Select(p => p.Id).ToList());
    }

    public async Task<ReembedOutcome> ReembedProjectAsync(long projectId)
    {
        var count = await jobs.ForgetVectorsAsync(projectId);
        if (count > 0) await embedding.WakeAsync();
        return new ReembedOutcome(projectId, count);
    }
}
