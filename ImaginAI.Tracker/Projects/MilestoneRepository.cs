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

    /// <summary>Adds a milestone; without a position it goes after the last one.</summary>
    public async Task<Milestone> CreateAsync(long projectId, string name, int? position, DateOnly? dueDate, DateTimeOffset createdAt)
    {
        await using var connection = await db.OpenAsync();
        return await connection.QuerySingleAsync<Milestone>("""
            INSERT INTO milestones (project_id, name, position, due_date, created_at)
            VALUES (@projectId, @name,
                    COALESCE(@position, (SELECT COALESCE(MAX(position), 0) + 1 FROM milestones WHERE project_id = @projectId)),
                    @dueDate, @createdAt)
            RETURNING id, project_id, name, position, due_date, NULL AS reached_at, NULL AS reached_photo_id,
                      due_date IS NOT NULL AND @today > due_date AS late
            """, new { projectId, name, position, dueDate = dueDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), createdAt = TrackerDb.Utc(createdAt), today = MilestoneProgress.Today(clock) });
    }
}
