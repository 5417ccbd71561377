using System.Data;
using Dapper;

namespace ImaginAI.Tracker.Projects;

/// <summary>
/// The one rule for progress. A milestone is reached by its first site photo (matched automatically or assigned by
/// a manager, not deleted); reference photos added at setup do not count. It is reached at the time that photo was
/// taken, and late when it was reached after its due date, or is still open after it.
/// </summary>
public static class MilestoneProgress
{
    /// <summary>
    /// SQL for "milestone m is late" on day @today (yyyy-MM-dd, UTC): reached after its due day, or open past it.
    /// Due dates and the date part of reached_at are both yyyy-MM-dd text, so they compare as text.
    /// </summary>
    public const string LateSql = "(m.due_date IS NOT NULL AND COALESCE(substr(m.reached_at, 1, 10), @today) > m.due_date)";

    /// <summary>Today as the late rule reads it.</summary>
    public static string Today(TimeProvider clock) =>
        clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Re-reads which site photo reaches each milestone of the project, inside the caller's transaction (so progress
    /// commits with the change that moved it). Returns the milestones this change reached for the first time.
    /// </summary>
    public static async Task<IReadOnlyList<long>> RecomputeAsync(IDbConnection connection, IDbTransaction transaction, long projectId)
    {
        var before = (await connection.QueryAsync<long>(
            "SELECT id FROM milestones WHERE project_id = @projectId AND reached_photo_id IS NOT NULL",
            new { projectId }, transaction)).ToHashSet();
        // Two statements: SQLite's UPDATE reads the old row in SET, so reached_at follows the new reached_photo_id.
        await connection.ExecuteAsync("""
            UPDATE milestones SET reached_photo_id = (
                SELECT ph.id FROM photos ph
                WHERE ph.milestone_id = milestones.id AND ph.status = 'matched'
                  AND ph.milestone_source IN ('auto', 'manual') AND ph.deleted_at IS NULL
                ORDER BY ph.taken_at, ph.id
                LIMIT 1)
            WHERE project_id = @projectId;
            UPDATE milestones SET reached_at = (SELECT ph.taken_at FROM photos ph WHERE ph.id = milestones.reached_photo_id)
            WHERE project_id = @projectId;
            """, new { projectId }, transaction);
        var after = await connection.QueryAsync<long>(
            "SELECT id FROM milestones WHERE project_id = @projectId AND reached_photo_id IS NOT NULL",
            new { projectId }, transaction);
        return after.Where(id => !before.Contains(id)).ToList();
    }
}
