using System.Collections.Concurrent;
using System.Diagnostics;
using ImaginAI.Tracker.Jobs;
using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Scheduling;
using ImaginAI.Tracker.Telemetry;
using ImaginAI.Tracker.Timeline;
using ImaginAI.Tracker.Vision;
using ImaginAI.Vision.Models;
using ImaginAI.Vision.Verification;
using Microsoft.Extensions.Options;
using Quartz;

namespace ImaginAI.Tracker.Matching;

/// <summary>
/// Decides every embedded photo, in the order taken: <see cref="MatchingRule"/> ranks the milestones by CNN score,
/// the best few (at most <see cref="MatchingOptions.MaxVerifiedCandidates"/>, scoring at least the candidate floor)
/// are verified with keypoints against their best reference photo, and <see cref="MatchDecisionRule"/> decides and
/// explains. Its input is the photos'
/// status and each decision is applied only while the photo is still embedded, so runs after a crash or a restart
/// neither lose a photo nor decide one twice.
/// </summary>
[DisallowConcurrentExecution]
public sealed class MatchingJob(
    MatchingRepository repository,
    ProjectRepository projects,
    VectorIndexRegistry indexes,
    PhotoVerifier verifier,
    BackgroundCpu cpu,
    FeatureExtractorProvider vision,
    TimelineNotifier notifier,
    JobControls controls,
    PhotoTelemetry telemetry,
    Webhooks.WebhookPublisher webhooks,
    Data.WorkClaims claims,
    IOptions<MatchingOptions> options,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<MatchingJob> logger) : IJob
{
    public static readonly JobKey Key = new("matching");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (await controls.IsPausedAsync(JobQueues.Matching) || !vision.TryGet(out var extractor, out _)) return;
        var model = extractor!.Model;
        await indexes.EnsureLoadedAsync(model.Id, model.Dims);
        var settings = options.Value;
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        cancellationToken = stopping.Token;

        // A pause takes effect after the batch in hand.
        while (!cancellationToken.IsCancellationRequested && !await controls.IsPausedAsync(JobQueues.Matching))
        {
            var waiting = await repository.ClaimAwaitingDecisionAsync(model.Id, settings.BatchSize, clock.GetUtcNow());
            if (waiting.Count == 0) return;
            // Each project's photos and rule are read once per batch, by whichever of its photos comes first.
            var projectData = new ConcurrentDictionary<long, Lazy<Task<ProjectData>>>();
            // A decision rests on the references and the earlier photos' vectors, never on another automatic
            // decision, so the photos of a batch are decided side by side: verification is CPU-bound and one photo
            // at a time left a core idle. Each decision still applies only while its photo is embedded.
            var decided = 0;
            await Parallel.ForEachAsync(waiting, cpu.Options, async (photo, _) =>
            {
                if (cancellationToken.IsCancellationRequested) return;
                // One photo (or one project's data) that cannot be decided fails alone: it is retried later and
                // the rest of the batch, and every other project, goes on.
                try
                {
                    if (await DecideAsync(photo, model, settings, projectData, cancellationToken))
                        Interlocked.Increment(ref decided);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    if (await RecordFailureAsync(photo, e, settings)) Interlocked.Increment(ref decided);
                }
            });
            // Decided and failed photos left their claim as they were recorded; the rest (a vector not yet in this
            // node's index, a manager's change meanwhile, shutdown) go back to any node at once.
            await claims.ReleaseAsync(waiting.Select(p => p.Id));
            // Nothing applicable in a full batch (e.g. vectors missing from the index): wait for the next run.
            if (decided == 0) return;
        }
    }

    private sealed record ProjectData(IReadOnlyDictionary<long, PhotoFacts> Comparable, MatchRuleSettings Rule);

    /// <summary>Ranks, verifies, decides and applies one photo; false when there was nothing to apply.</summary>
    private async Task<bool> DecideAsync(PhotoFacts photo, ModelInfo model, MatchingOptions settings,
        ConcurrentDictionary<long, Lazy<Task<ProjectData>>> projectData, CancellationToken cancellationToken)
    {
        var (comparable, rule) = await projectData.GetOrAdd(photo.ProjectId, projectId => new(async () => new ProjectData(
            await repository.GetComparableByProjectIdAsync(projectId, model.Id), await GetRuleSettingsAsync(projectId, settings)))).Value;
        var index = indexes.Get(photo.ProjectId, model.Id, model.Dims);
        if (!index.TryGet(photo.Id, out var vector))
        {
            logger.LogWarning("Photo {PhotoId} has a {ModelId} vector in the database but not in the index; reloading it next start", photo.Id, model.Id);
            return false;
        }

        var started = Stopwatch.GetTimestamp();
        var ranking = MatchingRule.Rank(photo, vector, index, comparable);
        var verifying = PhotoVerifier.IsAvailable && settings.VerifyKeypoints;
        var checks = photo.HasHumanMilestone || !verifying
            ? new Dictionary<long, PairCheck>()
            : await VerifyCandidatesAsync(photo.Id, ranking, rule, settings.MaxVerifiedCandidates, settings.ReferencesPerMilestone, cancellationToken);
        var decision = MatchingRule.Decide(photo, ranking, checks, verifying, rule);
        if (verifying)
            decision = await DecideWithoutKeypointsAsync(photo, ranking, checks, rule, settings, model, index, comparable, decision, cancellationToken);
        var (applied, milestoneReached) = await repository.ApplyAsync(decision, photo, clock.GetUtcNow());
        if (!applied) return false;
        telemetry.Decided(photo.Id, photo.ProjectId, decision.Status, decision.MilestoneId,
            decision.Explanation?.Basis ?? decision.MilestoneSource ?? "none", decision.Explanation?.Text, Stopwatch.GetElapsedTime(started));
        await notifier.PhotoUpdatedAsync(photo.Id);
        await webhooks.PhotoDecidedAsync(photo.Id);
        if (milestoneReached)
        {
            await notifier.MilestoneReachedAsync(photo.Id);
            await webhooks.MilestoneReachedAsync(photo.Id);
        }
        return true;
    }

    /// <summary>
    /// Settles what the keypoints could not: a CNN match without keypoint evidence stands only if the photo's layout
    /// of light and dark agrees with the milestone's references, and a refusal the painted-over copy may settle gets
    /// that copy (held to the same layout check). Each layout is measured once, and only for the milestone chosen.
    /// </summary>
    private async Task<MatchDecision> DecideWithoutKeypointsAsync(PhotoFacts photo, MatchRanking ranking,
        IReadOnlyDictionary<long, PairCheck> checks, MatchRuleSettings rule, MatchingOptions settings, ModelInfo model,
        ProjectVectors index, IReadOnlyDictionary<long, PhotoFacts> comparable, MatchDecision decision, CancellationToken cancellationToken)
    {
        var layouts = new Dictionary<long, float?>();
        var filledLayouts = new Dictionary<long, float?>();
        IReadOnlyList<RankedMilestone>? filledRanking = null;
        FilledCopy? filled = null;
        PhotoLayout? layout = null;
        var copyTried = false;
        // Each round measures one missing layout or makes the copy once, so this ends within four rounds.
        while (true)
        {
            if (MatchingRule.AwaitingLayout(decision, rule, layouts, filledLayouts) is { } awaiting)
            {
                var references = (awaiting.Filled ? filledRanking! : ranking.Milestones)
                    .First(m => m.MilestoneId == awaiting.MilestoneId).References.Take(settings.ReferencesPerMilestone);
                var measured = awaiting.Filled
                    ? filled!.Layout
                    : layout ??= await verifier.LayoutAsync(photo.Id, cancellationToken);
                (awaiting.Filled ? filledLayouts : layouts)[awaiting.MilestoneId] =
                    measured is null ? null : await verifier.LayoutAgreementAsync(measured, references, cancellationToken);
            }
            else if (!copyTried && MatchingRule.MayDecideOnFilledCopy(decision, rule))
            {
                copyTried = true;
                filled = await verifier.FilledCopyAsync(photo.Id, model.Id, cancellationToken);
                if (filled is null) return decision;
                filledRanking = MatchingRule.RankMilestones(photo, filled.Vector, index, comparable);
            }
            else return decision;
            decision = MatchingRule.Decide(photo, ranking, checks, true, rule, filledRanking, layouts, filledLayouts);
        }
    }

    /// <summary>Holds the photo back for a retry, or after the last attempt marks it failed with the reason.</summary>
    private async Task<bool> RecordFailureAsync(PhotoFacts photo, Exception exception, MatchingOptions settings)
    {
        var failures = photo.DecisionFailures + 1;
        var lastAttempt = failures >= settings.MaxAttempts;
        var reason = $"The photo could not be matched to a milestone ({exception.GetType().Name}: {exception.Message}).";
        logger.LogWarning(exception, "Deciding photo {PhotoId} failed (attempt {Attempt} of {MaxAttempts})", photo.Id, failures, settings.MaxAttempts);
        var recorded = await repository.RecordDecisionFailureAsync(photo.Id, reason, lastAttempt, clock.GetUtcNow() + settings.BackoffAfter(failures));
        if (recorded && lastAttempt)
        {
            telemetry.Failed(photo.Id, photo.ProjectId, failures, reason, TimeSpan.Zero);
            await notifier.PhotoUpdatedAsync(photo.Id);
            await webhooks.PhotoFailedAsync(photo.Id);
        }
        return recorded;
    }

    private async Task<MatchRuleSettings> GetRuleSettingsAsync(long projectId, MatchingOptions settings)
    {
        var project = await projects.GetMatchSettingsAsync(projectId);
        return new MatchRuleSettings
        {
            Threshold = (float)(project?.MatchThreshold ?? settings.DefaultThreshold),
            MinInliers = project?.MinInliers ?? new MatchRuleSettings().MinInliers,
            MinMargin = (float)settings.MinMargin,
            CandidateFloor = (float)settings.CandidateFloor,
            NoEvidenceThreshold = settings.NoEvidenceThreshold is { } t ? (float)t : null,
            NoEvidenceMargin = (float)settings.NoEvidenceMargin,
            PartialMinInliers = settings.PartialMinInliers,
            PartialMinMargin = (float)settings.PartialMinMargin,
            FilledThreshold = settings.FilledThreshold is { } filled ? (float)filled : null,
            FilledMargin = (float)settings.FilledMargin,
            MinLayoutAgreement = settings.MinLayoutAgreement is { } layout ? (float)layout : null,
            MinFilledLayoutAgreement = settings.MinFilledLayoutAgreement is { } filledLayout ? (float)filledLayout : null,
        };
    }

    /// <summary>Verification per milestone for the best candidates, each against its best reference photos.</summary>
    private async Task<IReadOnlyDictionary<long, PairCheck>> VerifyCandidatesAsync(
        long photoId, MatchRanking ranking, MatchRuleSettings rule, int maxCandidates, int referencesPerMilestone, CancellationToken cancellationToken)
    {
        var candidates = ranking.Milestones.Where(m => m.Score >= rule.CandidateFloor).Take(maxCandidates).ToList();
        if (!PhotoVerifier.IsAvailable || candidates.Count == 0) return new Dictionary<long, PairCheck>();
        var byReference = await verifier.CheckAsync(photoId, candidates.SelectMany(c => c.References.Take(referencesPerMilestone)).ToList(), cancellationToken);
        var checks = new Dictionary<long, PairCheck>();
        foreach (var candidate in candidates)
            if (candidate.References.Take(referencesPerMilestone).Where(byReference.ContainsKey).Select(r => byReference[r]).ToList() is { Count: > 0 } found)
                checks[candidate.MilestoneId] = PairCheck.Combine(found);
        return checks;
    }
}
