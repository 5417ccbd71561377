using Dapper;
using ImaginAI.Tracker.Data;

namespace ImaginAI.Tracker.Projects;

public sealed class MilestoneRepository(TrackerDb db)
{
    public async Task<IReadOnlyList<Milestone>> GetManyByProjectIdAsync(long projectId)
    {
        await using var connection = await db.OpenAsync();
        var milestones = await connection.QueryAsync<Milestone>("""
            SELECT id, project_id, name, position, due_date
            FROM milestones
            WHERE project_id = @projectId
            ORDER BY position, id
            """, new { projectId });
        return milestones.AsList();
    }

    public async Task<Milestone?> GetByIdAsync(long id)
    {
        await using var connection = await db.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<Milestone>("""
            SELECT id, project_id, name, position, due_date
            FROM milestones
            WHERE id = @id
            """, new { id });
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
            RETURNING id, project_id, name, position, due_date
            """, new { projectId, name, position, maxPosition = MaxPosition, dueDate = dueDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), createdAt = TrackerDb.Utc(createdAt) });
    }
}
