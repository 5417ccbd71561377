using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Timeline;
using ImaginAI.Tracker.Vision;
using Microsoft.Extensions.Options;
using Quartz;

namespace ImaginAI.Tracker.Matching;

/// <summary>
/// Decides every embedded photo, in the order taken, with <see cref="MatchingRule"/>. Its input is the photos'
/// status and each decision is applied only while the photo is still embedded, so runs after a crash or a restart
/// neither lose a photo nor decide one twice.
/// </summary>
[DisallowConcurrentExecution]
public sealed class MatchingJob(
    MatchingRepository repository,
    ProjectRepository projects,
    VectorIndexRegistry indexes,
    FeatureExtractorProvider vision,
    TimelineNotifier notifier,
    IOptions<MatchingOptions> options,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<MatchingJob> logger) : IJob
{
    public static readonly JobKey Key = new("matching");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!vision.TryGet(out var extractor, out _)) return;
        var model = extractor!.Model;
        await indexes.EnsureLoadedAsync(model.Id, model.Dims);
        var settings = options.Value;
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        cancellationToken = stopping.Token;

        while (!cancellationToken.IsCancellationRequested)
        {
            var waiting = await repository.GetAwaitingDecisionAsync(model.Id, settings.BatchSize);
            if (waiting.Count == 0) return;
            var decidedAny = false;
            var projectPhotos = new Dictionary<long, IReadOnlyDictionary<long, PhotoFacts>>();
            var thresholds = new Dictionary<long, double>();
            foreach (var photo in waiting)
            {
                if (cancellationToken.IsCancellationRequested) return;
                if (!projectPhotos.TryGetValue(photo.ProjectId, out var comparable))
                {
                    comparable = projectPhotos[photo.ProjectId] = await repository.GetComparableByProjectIdAsync(photo.ProjectId, model.Id);
                    thresholds[photo.ProjectId] = await projects.GetMatchThresholdAsync(photo.ProjectId) ?? settings.DefaultThreshold;
                }
                var index = indexes.Get(photo.ProjectId, model.Id, model.Dims);
                if (!index.TryGet(photo.Id, out var vector))
                {
                    logger.LogWarning("Photo {PhotoId} has a {ModelId} vector in the database but not in the index; reloading it next start", photo.Id, model.Id);
                    continue;
                }

                var decision = MatchingRule.Decide(photo, vector, index, comparable, thresholds[photo.ProjectId]);
                var (applied, milestoneReached) = await repository.ApplyAsync(decision, photo, clock.GetUtcNow());
                if (!applied) continue;
                decidedAny = true;
                logger.LogInformation("Photo {PhotoId}: {Status}, milestone {MilestoneId} ({MilestoneScore}), best earlier match {MatchedPhotoId} ({MatchScore})",
                    photo.Id, decision.Status, decision.MilestoneId, decision.MilestoneScore, decision.MatchedPhotoId, decision.MatchScore);
                await notifier.PhotoUpdatedAsync(photo.Id);
                if (milestoneReached) await notifier.MilestoneReachedAsync(photo.Id);
            }
            // Nothing applicable in a full batch (e.g. vectors missing from the index): wait for the next run.
            if (!decidedAny) return;
        }
    }
}
