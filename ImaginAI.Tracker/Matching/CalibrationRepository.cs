using Dapper;
using ImaginAI.Tracker.Data;
using ImaginAI.Tracker.Photos;

namespace ImaginAI.Tracker.Matching;

public sealed class CalibrationRepository(TrackerDb db)
{
    /// <summary>
    /// Keeps a manager's decision on a photo the job had decided as a labelled example, one per photo: a manager who
    /// changes their mind (corrects, then puts it back) replaces the photo's label, so only the latest counts, and the
    /// job's numbers stay those of its own decision. Photos the job never decided, or without a score, teach nothing
    /// about its settings and are skipped. Runs in the transaction that applies the manager's decision, so the
    /// decision and its example are stored together or not at all.
    /// </summary>
    public static async Task AddExampleAsync(System.Data.IDbTransaction transaction, Photo before, long? managerMilestoneId, DateTimeOffset now)
    {
        var connection = transaction.Connection!;
        JobDecision? job = null;
        if (before.MilestoneSource is null or MilestoneSource.Auto && before.MilestoneScore is { } score
            && before.Status is PhotoStatus.Matched or PhotoStatus.Unmatched)
            job = new JobDecision(score, MatchExplanation.FromJson(before.DecisionJson)?.Inliers,
                before.MilestoneSource == MilestoneSource.Auto ? before.MilestoneId : null);
        else if (before.MilestoneSource == MilestoneSource.Manual)
            job = (await connection.QueryAsync<(double BestScore, long? Inliers, long? AutoMilestoneId)>("""
                SELECT best_score, inliers, auto_milestone_id FROM match_examples WHERE photo_id = @Id
                """, new { before.Id }, transaction)).Select(e => new JobDecision(e.BestScore, (int?)e.Inliers, e.AutoMilestoneId)).SingleOrDefault();
        if (job is null) return;

        var confirmed = job.AutoMilestoneId == managerMilestoneId;
        var shouldMatch = job.AutoMilestoneId is null ? managerMilestoneId is not null : confirmed;
        await connection.ExecuteAsync("""
            INSERT INTO match_examples (project_id, photo_id, best_score, inliers, auto_milestone_id, manager_milestone_id,
                                        confirmed, should_match, created_at)
            VALUES (@ProjectId, @Id, @BestScore, @Inliers, @AutoMilestoneId, @managerMilestoneId, @confirmed, @shouldMatch, @now)
            ON CONFLICT (photo_id) DO UPDATE SET
                best_score = excluded.best_score, inliers = excluded.inliers, auto_milestone_id = excluded.auto_milestone_id,
                manager_milestone_id = excluded.manager_milestone_id, confirmed = excluded.confirmed,
                should_match = excluded.should_match, created_at = excluded.created_at
            """, new
        {
            before.ProjectId, before.Id, job.BestScore, job.Inliers, job.AutoMilestoneId, managerMilestoneId, confirmed, shouldMatch,
            now = TrackerDb.Utc(now),
        }, transaction);
    }

    private sealed record JobDecision(double BestScore, int? Inliers, long? AutoMilestoneId);

    /// <summary>Each example photo's current label (one row per photo), leaving out deleted photos.</summary>
    public async Task<IReadOnlyList<LabelledExample>> GetExamplesByProjectIdAsync(long projectId)
    {
        await using var connection = await db.OpenAsync();
        var examples = await connection.QueryAsync<(double BestScore, long? Inliers, bool ShouldMatch)>("""
            SELECT e.best_score, e.inliers, e.should_match
            FROM match_examples e JOIN photos ph ON ph.id = e.photo_id
            WHERE e.project_id = @projectId AND ph.deleted_at IS NULL
            """, new { projectId });
        return examples.Select(e => new LabelledExample(e.BestScore, (int?)e.Inliers, e.ShouldMatch)).ToList();
    }

    /// <summary>
    /// The job's latest decision on each photo it decided (still there after a manager's correction), for the
    /// histogram of the numbers its rule looked at.
    /// </summary>
    public async Task<IReadOnlyList<MatchExplanation>> GetJobDecisionsByProjectIdAsync(long projectId)
    {
        await using var connection = await db.OpenAsync();
        var rows = await connection.QueryAsync<string>("""
            SELECT decision_json FROM photos
            WHERE project_id = @projectId AND decision_json IS NOT NULL AND deleted_at IS NULL
            """, new { projectId });
        return rows.Select(MatchExplanation.FromJson).OfType<MatchExplanation>().ToList();
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
