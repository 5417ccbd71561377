using System.Data;
using Dapper;
using ImaginAI.Tracker.Data;

namespace ImaginAI.Tracker.Projects;

public sealed class ProjectRepository(TrackerDb db, TimeProvider clock)
{
    // Progress and lateness follow MilestoneProgress (reached_at is kept by it); deleted photos count nowhere.
    private const string ProjectColumns = $"""
        p.id, p.name, p.description, p.created_at, p.match_threshold, p.min_inliers, p.archived_at,
        (SELECT COUNT(*) FROM photos ph WHERE ph.project_id = p.id AND ph.deleted_at IS NULL) AS photo_count,
        (SELECT COUNT(*) FROM photos ph WHERE ph.project_id = p.id AND ph.deleted_at IS NULL AND ph.status = 'unmatched') AS in_review,
        (SELECT COUNT(*) FROM milestones m WHERE m.project_id = p.id) AS milestone_count,
        (SELECT COUNT(*) FROM milestones m WHERE m.project_id = p.id AND m.reached_at IS NOT NULL) AS milestones_reached,
        (SELECT COUNT(*) FROM milestones m WHERE m.project_id = p.id AND {MilestoneProgress.LateSql}) AS milestones_late,
        (SELECT MIN(m.due_date) FROM milestones m WHERE m.project_id = p.id AND m.reached_at IS NULL) AS next_due_date
        """;

    public async Task<IReadOnlyList<Project>> GetAllAsync()
    {
        await using var connection = await db.OpenAsync();
        var projects = await connection.QueryAsync<Project>($"""
            SELECT {ProjectColumns}
            FROM projects p
            ORDER BY p.created_at DESC, p.id DESC
            """, new { today = MilestoneProgress.Today(clock) });
        return projects.AsList();
    }

    public async Task<Project?> GetByIdAsync(long id)
    {
        await using var connection = await db.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<Project>($"""
            SELECT {ProjectColumns}
            FROM projects p
            WHERE p.id = @id
            """, new { id, today = MilestoneProgress.Today(clock) });
    }

    public async Task<bool> ExistsAsync(long id)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM projects WHERE id = @id)", new { id });
    }

    /// <summary>Inserts the project (in the caller's transaction, which also makes its creator a manager).</summary>
    public Task<long> CreateAsync(string name, string description, DateTimeOffset createdAt, System.Data.IDbTransaction? transaction = null) =>
        db.UseAsync(transaction, (connection, transaction) => connection.ExecuteScalarAsync<long>("""
            INSERT INTO projects (name, description, created_at)
            VALUES (@name, @description, @createdAt)
            RETURNING id
            """, new { name, description, createdAt = TrackerDb.Utc(createdAt) }, transaction));

    /// <summary>Changes the given fields; a null argument leaves its field as it is.</summary>
    public async Task<bool> UpdateAsync(long id, string? name, string? description, double? matchThreshold, int? minInliers = null,
        IDbTransaction? transaction = null) =>
        await db.UseAsync(transaction, (connection, transaction) => connection.ExecuteAsync("""
            UPDATE projects
            SET name = COALESCE(@name, name),
                description = COALESCE(@description, description),
                match_threshold = COALESCE(@matchThreshold, match_threshold),
                min_inliers = COALESCE(@minInliers, min_inliers)
            WHERE id = @id
            """, new { id, name, description, matchThreshold, minInliers }, transaction)) == 1;

    public async Task<ProjectMatchSettings?> GetMatchSettingsAsync(long id)
    {
        await using var connection = await db.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<ProjectMatchSettings>(
            "SELECT match_threshold, min_inliers FROM projects WHERE id = @id", new { id });
    }

    public async Task<bool> IsArchivedAsync(long id)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM projects WHERE id = @id AND archived_at IS NOT NULL)", new { id });
    }

    /// <summary>Archives (a time) or unarchives (null) the project; false when there is no such project.</summary>
    public async Task<bool> SetArchivedAsync(long id, DateTimeOffset? archivedAt, IDbTransaction? transaction = null) =>
        await db.UseAsync(transaction, (connection, transaction) => connection.ExecuteAsync("UPDATE projects SET archived_at = @archivedAt WHERE id = @id",
            new { id, archivedAt = archivedAt is { } at ? TrackerDb.Utc(at) : null }, transaction)) == 1;
}
