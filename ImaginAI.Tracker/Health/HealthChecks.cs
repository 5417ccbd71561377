using Dapper;
using ImaginAI.Tracker.Data;
using ImaginAI.Tracker.Jobs;
using ImaginAI.Tracker.Matching;
using ImaginAI.Tracker.Photos;
using ImaginAI.Tracker.Vision;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Quartz;

namespace ImaginAI.Tracker.Health;

/// <summary>The database answers, SQLite or PostgreSQL (the provider is in its data, with the photo counts by status).</summary>
public sealed class DatabaseHealthCheck(TrackerDb db, PhotoRepository photos) : IHealthCheck
{
    private string Provider => db.IsPostgres ? DatabaseOptions.Postgres : DatabaseOptions.Sqlite;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using (var connection = await db.OpenAsync(cancellationToken))
                await connection.ExecuteScalarAsync<int>("SELECT 1");
            var counts = await photos.CountByStatusAsync();
            return HealthCheckResult.Healthy("The database answers.", new Dictionary<string, object> { ["provider"] = Provider, ["photos"] = counts });
        }
        catch (Exception e)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The database ({Provider}) does not answer: {e.Message}",
                data: new Dictionary<string, object> { ["provider"] = Provider });
        }
    }
}

/// <summary>The vision model loads. Without it uploads still work and photos wait, so it degrades, never fails.</summary>
public sealed class ModelHealthCheck(FeatureExtractorProvider vision) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!vision.TryGet(out var extractor, out var error))
            return Task.FromResult(HealthCheckResult.Degraded(error, data: new Dictionary<string, object> { ["error"] = error ?? "" }));
        var model = extractor!.Model;
        return Task.FromResult(HealthCheckResult.Healthy($"{model.Id} on {model.Backend}", new Dictionary<string, object>
        {
            ["name"] = model.Name, ["id"] = model.Id, ["dims"] = model.Dims, ["backend"] = model.Backend, ["layer"] = model.Layer,
        }));
    }
}

/// <summary>The Quartz scheduler runs; its data says which queues an operator paused.</summary>
public sealed class SchedulerHealthCheck(ISchedulerFactory schedulers, JobControls controls) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var paused = await controls.GetAsync();
        var data = JobQueues.All.ToDictionary(q => q, q => (object)(paused.GetValueOrDefault(q) ? "paused" : "running"));
        if (scheduler.Status is not SchedulerStatus.Running)
            return new HealthCheckResult(context.Registration.FailureStatus, "The background scheduler is not running: photos are not processed.", data: data);
        return HealthCheckResult.Healthy("The background scheduler runs.", data);
    }
}

/// <summary>OpenCV's keypoint verification loads; without it decisions fall back to the CNN score (degraded).</summary>
public sealed class VerifierHealthCheck : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["available"] = PhotoVerifier.IsAvailable };
        return Task.FromResult(PhotoVerifier.IsAvailable
            ? HealthCheckResult.Healthy("Keypoint verification is available.", data)
            : HealthCheckResult.Degraded($"Decisions use CNN scores only: {PhotoVerifier.UnavailableReason}", data: data));
    }
}

/// <summary>The data directory's disk has room for more photos.</summary>
public sealed class DiskHealthCheck(IOptions<StorageOptions> storage, IOptions<HealthOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var free = new DriveInfo(storage.Value.DataPath).AvailableFreeSpace / (1024 * 1024);
        var minimum = options.Value.MinFreeDiskMegabytes;
        var data = new Dictionary<string, object> { ["freeMegabytes"] = free, ["minFreeMegabytes"] = minimum };
        return Task.FromResult(free < minimum
            ? new HealthCheckResult(context.Registration.FailureStatus, $"The data disk has {free} MB free, below the {minimum} MB limit: uploads may fail.", data: data)
            : HealthCheckResult.Healthy($"{free} MB free on the data disk.", data));
    }
}

/// <summary>
/// The queue moves: the oldest photo still waiting for embedding or matching has not waited longer than
/// Health:QueueStuckAfterMinutes. A stuck queue degrades the server (uploads still work) and says which photo waits.
/// </summary>
public sealed class QueueHealthCheck(JobsRepository jobs, JobControls controls, IOptions<HealthOptions> options, TimeProvider clock) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var limit = TimeSpan.FromMinutes(options.Value.QueueStuckAfterMinutes);
        var oldest = await jobs.GetOldestWaitingAsync();
        var waited = oldest is null ? TimeSpan.Zero : clock.GetUtcNow() - oldest.UploadedAt;
        var data = new Dictionary<string, object> { ["oldestWaitingSeconds"] = Math.Round(Math.Max(0, waited.TotalSeconds)), ["limitSeconds"] = limit.TotalSeconds };
        if (oldest is null) return HealthCheckResult.Healthy("No photo is waiting.", data);
        data["oldestWaitingPhotoId"] = oldest.Id;
        if (waited <= limit) return HealthCheckResult.Healthy($"The oldest waiting photo has waited {Minutes(waited)}.", data);
        var paused = (await controls.GetAsync()).Where(q => q.Value).Select(q => q.Key).ToList();
        var why = paused.Count > 0 ? $" ({string.Join(" and ", paused)} paused)" : "";
        return new HealthCheckResult(context.Registration.FailureStatus,
            $"The queue is stuck{why}: photo {oldest.Id} ({oldest.Status}) has waited {Minutes(waited)}, over the {Minutes(limit)} limit.", data: data);
    }

    private static string Minutes(TimeSpan span) => $"{span.TotalMinutes:0} min";
}
