using Dapper;
using ImaginAI.Tracker.Data;
using ImaginAI.Tracker.Photos;

namespace ImaginAI.Tracker.Matching;

public sealed record ScoredDecision(string Status, double Score);

public sealed class CalibrationRepository(TrackerDb db)
{
    /// <summary>
    /// Keeps a manager's decision on a photo the job had decided as a labelled example; photos a person had already
    /// decided, or without a score, teach nothing about the job's settings and are skipped. Runs in the transaction
    /// that applies the manager's decision, so the decision and its example are stored together or not at all.
    /// </summary>
    public static async Task AddExampleAsync(System.Data.IDbTransaction transaction, Photo before, long? managerMilestoneId, DateTimeOffset now)
    {
        if (before.MilestoneSource is not (null or MilestoneSource.Auto) || before.MilestoneScore is not { } score
            || before.Status is not (PhotoStatus.Matched or PhotoStatus.Unmatched)) return;
        var autoMilestoneId = before.MilestoneSource == MilestoneSource.Auto ? before.MilestoneId : null;
        var confirmed = autoMilestoneId == managerMilestoneId;
        var shouldMatch = autoMilestoneId is null ? managerMilestoneId is not null : confirmed;
        var inliers = MatchExplanation.FromJson(before.DecisionJson)?.Inliers;
        await transaction.Connection!.ExecuteAsync("""
            INSERT INTO match_examples (project_id, photo_id, best_score, inliers, auto_milestone_id, manager_milestone_id,
                                        confirmed, should_match, created_at)
            VALUES (@ProjectId, @Id, @score, @inliers, @autoMilestoneId, @managerMilestoneId, @confirmed, @shouldMatch, @now)
            """, new
        {
            before.ProjectId, before.Id, score, inliers, autoMilestoneId, managerMilestoneId, confirmed = confirmed ? 1 : 0, shouldMatch = shouldMatch ? 1 : 0,
            now = TrackerDb.Utc(now),
        }, transaction);
    }

    /// <summary>The latest verdict per photo (a manager may change their mind).</summary>
    public async Task<IReadOnlyList<LabelledExample>> GetExamplesByProjectIdAsync(long projectId)
    {
        await using var connection = await db.OpenAsync();
        var examples = await connection.QueryAsync<(double BestScore, long? Inliers, bool ShouldMatch)>("""
            SELECT e.best_score, e.inliers, e.should_match
            FROM match_examples e
            WHERE e.project_id = @projectId
              AND e.id = (SELECT MAX(latest.id) FROM match_examples latest WHERE latest.photo_id = e.photo_id)
            """, new { projectId });
        return examples.Select(e => new LabelledExample(e.BestScore, (int?)e.Inliers, e.ShouldMatch)).ToList();
    }

    /// <summary>
    /// The job's decisions (matched or left for review) with their milestone scores, for the histogram: including
    /// those a manager has since confirmed or corrected, as the job made them (their first example).
    /// </summary>
    public async Task<IReadOnlyList<ScoredDecision>> GetJobDecisionsByProjectIdAsync(long projectId)
    {
        await using var connection = await db.OpenAsync();
        var rows = await connection.QueryAsync<ScoredDecision>("""
            SELECT status, milestone_score AS score
            FROM photos
            WHERE project_id = @projectId AND status IN ('matched', 'unmatched')
              AND (milestone_source IS NULL OR milestone_source = 'auto') AND milestone_score IS NOT NULL
            UNION ALL
            SELECT CASE WHEN e.auto_milestone_id IS NULL THEN 'unmatched' ELSE 'matched' END, e.best_score
            FROM match_examples e JOIN photos ph ON ph.id = e.photo_id
            WHERE e.project_id = @projectId AND ph.milestone_source = 'manual'
              AND e.id = (SELECT MIN(first.id) FROM match_examples first WHERE first.photo_id = e.photo_id)
            """, new { projectId });
        return rows.AsList();
    }

    /// <summary>
    /// Sends the photos still in review (left unmatched by the job, not decided by a person) back to the matching
    /// job, which decides them again under the project's current settings. Returns how many.
    /// </summary>
    public async Task<int> ReopenInReviewAsync(long projectId)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteAsync("""
            UPDATE photos SET status = 'embedded'
            WHERE project_id = @projectId AND status = 'unmatched' AND milestone_source IS NULL
            """, new { projectId });
    }
}
