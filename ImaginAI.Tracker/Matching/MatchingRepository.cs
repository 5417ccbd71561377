using Dapper;
using ImaginAI.Tracker.Data;

namespace ImaginAI.Tracker.Matching;

/// <summary>What the matching rule needs to know of a photo (its vector is in the in-memory index).</summary>
public sealed record PhotoFacts
{
    public long Id { get; init; }
    public long ProjectId { get; init; }
    public DateTimeOffset TakenAt { get; init; }
    public long? MilestoneId { get; init; }
    public string? MilestoneSource { get; init; }

    /// <summary>How many times deciding this photo has failed (only read for photos awaiting a decision).</summary>
    public int DecisionFailures { get; init; }

    public bool IsEarlierThan(PhotoFacts other) => TakenAt < other.TakenAt || (TakenAt == other.TakenAt && Id < other.Id);

    /// <summary>A person set its milestone: the uploader (reference) or a manager (manual).</summary>
    public bool HasHumanMilestone => MilestoneSource is Photos.MilestoneSource.Reference or Photos.MilestoneSource.Manual;
}

/// <summary>The job's decision for one photo; <see cref="Explanation"/> says why (null when a person set the milestone).</summary>
public sealed record MatchDecision(
    long PhotoId, string Status, long? MilestoneId, string? MilestoneSource, double? MilestoneScore,
    long? MatchedPhotoId, double? MatchScore, MatchExplanation? Explanation);

public sealed class MatchingRepository(TrackerDb db)
{
    /// <summary>
    /// Embedded photos that have a vector of the model and are not waiting out a retry after a failed decision, in
    /// the order they were taken.
    /// </summary>
    public async Task<IReadOnlyList<PhotoFacts>> GetAwaitingDecisionAsync(string modelId, int limit, DateTimeOffset now)
    {
        await using var connection = await db.OpenAsync();
        var photos = await connection.QueryAsync<PhotoFacts>("""
            SELECT ph.id, ph.project_id, ph.taken_at, ph.milestone_id, ph.milestone_source, ph.decision_failures
            FROM photos ph
            WHERE ph.status = 'embedded' AND ph.deleted_at IS NULL
              AND (ph.next_attempt_at IS NULL OR ph.next_attempt_at <= @now)
              AND EXISTS (SELECT 1 FROM embeddings e WHERE e.photo_id = ph.id AND e.model_id = @modelId)
            ORDER BY ph.taken_at, ph.id
            LIMIT @limit
            """, new { modelId, limit, now = TrackerDb.Utc(now) });
        return photos.AsList();
    }

    /// <summary>
    /// Records a failed attempt to decide the photo: retried at <paramref name="retryAt"/>, or failed for good (with
    /// the reason) after the last attempt. Returns whether the photo was still awaiting its decision.
    /// </summary>
    public async Task<bool> RecordDecisionFailureAsync(long photoId, string error, bool lastAttempt, DateTimeOffset retryAt)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteAsync("""
            UPDATE photos
            SET decision_failures = decision_failures + 1,
                error = @error,
                status = CASE WHEN @lastAttempt THEN 'failed' ELSE status END,
                next_attempt_at = CASE WHEN @lastAttempt THEN NULL ELSE @retryAt END
            WHERE id = @photoId AND status = 'embedded'
            """, new { photoId, error, lastAttempt, retryAt = TrackerDb.Utc(retryAt) }) == 1;
    }

    /// <summary>The project's photos that have a vector of the model (the ones a photo can be compared with).</summary>
    public async Task<IReadOnlyDictionary<long, PhotoFacts>> GetComparableByProjectIdAsync(long projectId, string modelId)
    {
        await using var connection = await db.OpenAsync();
        var photos = await connection.QueryAsync<PhotoFacts>("""
            SELECT ph.id, ph.project_id, ph.taken_at, ph.milestone_id, ph.milestone_source
            FROM photos ph JOIN embeddings e ON e.photo_id = ph.id AND e.model_id = @modelId
            WHERE ph.project_id = @projectId AND ph.status <> 'failed' AND ph.deleted_at IS NULL
            """, new { projectId, modelId });
        return photos.ToDictionary(p => p.Id);
    }

    /// <summary>
    /// Applies a decision exactly once: only while the photo is still embedded and its milestone is still the one
    /// the decision was made from (a manager may have changed it meanwhile). Returns whether it was applied and
    /// whether it gave the milestone its first photo.
    /// </summary>
    public async Task<(bool Applied, bool MilestoneReached)> ApplyAsync(MatchDecision decision, PhotoFacts decidedFrom, DateTimeOffset now)
    {
        await using var connection = await db.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var applied = await connection.ExecuteAsync("""
            UPDATE photos
            SET status = @Status,
                milestone_id = @MilestoneId,
                milestone_source = @MilestoneSource,
                milestone_score = @MilestoneScore,
                matched_photo_id = @MatchedPhotoId,
                match_score = @MatchScore,
                decision_json = @decisionJson,
                error = NULL,
                next_attempt_at = NULL,
                decision_count = decision_count + 1,
                decided_at = @now
            WHERE id = @PhotoId
              AND status = 'embedded'
              AND milestone_id IS @expectedMilestoneId
              AND milestone_source IS @expectedMilestoneSource
            """, new
        {
            decision.PhotoId, decision.Status, decision.MilestoneId, decision.MilestoneSource, decision.MilestoneScore,
            decision.MatchedPhotoId, decision.MatchScore, now = TrackerDb.Utc(now),
            decisionJson = decision.Explanation is null ? null : MatchExplanation.ToJson(decision.Explanation),
            expectedMilestoneId = decidedFrom.MilestoneId, expectedMilestoneSource = decidedFrom.MilestoneSource,
        }, transaction) == 1;
        if (!applied) return (false, false);
        if (decision.Explanation is { } explanation)
            await Photos.PhotoDecisionHistory.AddAutomaticAsync(transaction, decision.PhotoId, decision.MilestoneId, explanation, now);
        var reached = await Projects.MilestoneProgress.RecomputeAsync(connection, transaction, decidedFrom.ProjectId);
        await transaction.CommitAsync();
        return (true, decision.MilestoneId is { } milestoneId && reached.Contains(milestoneId));
    }
}
