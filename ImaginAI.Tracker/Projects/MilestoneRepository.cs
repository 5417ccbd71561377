using System.Data;
using Dapper;
using ImaginAI.Tracker.Data;

namespace ImaginAI.Tracker.Projects;

public sealed class MilestoneRepository(TrackerDb db, TimeProvider clock)
{
    private const string MilestoneColumns = $"""
        m.id, m.project_id, m.name, m.position, m.due_date, m.reached_at, m.reached_photo_id,
        {MilestoneProgress.LateSql} AS late
        """;

    public async Task<IReadOnlyList<Milestone>> GetManyByProjectIdAsync(long projectId)
    {
        await using var connection = await db.OpenAsync();
        var milestones = await connection.QueryAsync<Milestone>($"""
            SELECT {MilestoneColumns}
            FROM milestones m
            WHERE m.project_id = @projectId
            ORDER BY m.position, m.id
            """, new { projectId, today = MilestoneProgress.Today(clock) });
        return milestones.AsList();
    }

    public async Task<Milestone?> GetByIdAsync(long id)
    {
        await using var connection = await db.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<Milestone>($"""
            SELECT {MilestoneColumns}
            FROM milestones m
            WHERE m.id = @id
            """, new { id, today = MilestoneProgress.Today(clock) });
    }

    /// <summary>The highest position a milestone may have (positions are read back as 32-bit integers).</summary>
    public const int MaxPosition = 10_000;

    /// <summary>Adds a milestone; without a position it goes after the last one (or beside it, at <see cref="MaxPosition"/>).</summary>
    public async Task<Milestone> CreateAsync(long projectId, string name, int? position, DateOnly? dueDate, DateTimeOffset createdAt)
    {
        await using var connection = await db.OpenAsync();
        return await connection.QuerySingleAsync<Milestone>("""
            INSERT INTO milestones (project_id, name, position, due_date, created_at)
            VALUES (@projectId, @name,
                    COALESCE(@position, (SELECT MIN(COALESCE(MAX(position), 0) + 1, @maxPosition) FROM milestones WHERE project_id = @projectId)),
                    @dueDate, @createdAt)
            RETURNING id, project_id, name, position, due_date, NULL AS reached_at, NULL AS reached_photo_id,
                      due_date IS NOT NULL AND @today > due_date AS late
            """, new { projectId, name, position, maxPosition = MaxPosition, dueDate = dueDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), createdAt = TrackerDb.Utc(createdAt), today = MilestoneProgress.Today(clock) });
    }

    public Task<int> UpdateAsync(long id, string name, DateOnly? dueDate, IDbTransaction? transaction = null) =>
        db.UseAsync(transaction, (connection, transaction) => connection.ExecuteAsync("UPDATE milestones SET name = @name, due_date = @dueDate WHERE id = @id",
            new { id, name, dueDate = dueDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }, transaction));

    /// <summary>Numbers the project's milestones 1, 2, 3… in the given order, in one transaction.</summary>
    public Task<int> ReorderAsync(long projectId, IReadOnlyList<long> order, IDbTransaction? outer = null) =>
        db.InTransactionAsync(outer, async transaction =>
        {
            for (var i = 0; i < order.Count; i++)
                await transaction.Connection!.ExecuteAsync("UPDATE milestones SET position = @position WHERE id = @id AND project_id = @projectId",
                    new { id = order[i], position = i + 1, projectId }, transaction);
            return order.Count;
        });

    /// <summary>
    /// Deletes the milestone; its photos (site photos and references) go back to review, with no milestone, and the
    /// project's progress is recomputed, all in one transaction. Returns the photos that moved.
    /// </summary>
    public Task<IReadOnlyList<long>> DeleteAsync(long projectId, long milestoneId, IDbTransaction? outer = null) =>
        db.InTransactionAsync(outer, async transaction =>
    {
        var connection = transaction.Connection!;
        var moved = (await connection.QueryAsync<long>("""
            UPDATE photos
            SET milestone_id = NULL, milestone_source = NULL, milestone_score = NULL,
                status = CASE WHEN status = 'matched' THEN 'unmatched' ELSE status END
            WHERE milestone_id = @milestoneId
            RETURNING id
            """, new { milestoneId }, transaction)).AsList();
        await connection.ExecuteAsync("DELETE FROM milestones WHERE id = @milestoneId", new { milestoneId }, transaction);
        await MilestoneProgress.RecomputeAsync(connection, transaction, projectId);
        return (IReadOnlyList<long>)moved;
    });
}
