using Dapper;
using ImaginAI.Tracker.Data;

namespace ImaginAI.Tracker.Accounts;

public sealed class MembershipRepository(TrackerDb db)
{
    private const string MemberSelect = """
        SELECT m.project_id AS ProjectId, m.user_id AS UserId, u.email AS Email, u.role AS GlobalRole,
               m.role AS Role, m.added_at AS AddedAt
        FROM project_members m JOIN users u ON u.id = m.user_id
        """;

    /// <summary>The user's role in the project, or null when they are not a member.</summary>
    public async Task<string?> GetRoleAsync(long projectId, long userId)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<string?>("""
            SELECT role FROM project_members WHERE project_id = @projectId AND user_id = @userId
            """, new { projectId, userId });
    }

    public async Task<IReadOnlyList<long>> GetProjectIdsByUserIdAsync(long userId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<long>("""
            SELECT project_id FROM project_members WHERE user_id = @userId
            """, new { userId })).AsList();
    }

    public async Task<IReadOnlyList<ProjectMember>> GetManyByProjectIdAsync(long projectId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<ProjectMember>($"""
            {MemberSelect}
            WHERE m.project_id = @projectId
            ORDER BY m.role, u.email
            """, new { projectId })).AsList();
    }

    public async Task<IReadOnlyList<ProjectMember>> GetManyByUserIdAsync(long userId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<ProjectMember>($"""
            {MemberSelect}
            WHERE m.user_id = @userId
            ORDER BY m.project_id
            """, new { userId })).AsList();
    }

    /// <summary>
    /// Who may be offered for adding to the project: non-admin users who are not yet its members and who already
    /// share another project with <paramref name="viewerId"/> (everyone such when <paramref name="viewerIsAdmin"/>).
    /// A manager so sees the people they already work with, never the whole user list.
    /// </summary>
    public async Task<IReadOnlyList<MemberCandidate>> GetCandidatesAsync(long projectId, long viewerId, bool viewerIsAdmin)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<MemberCandidate>("""
            SELECT u.id AS Id, u.email AS Email, u.role AS Role
            FROM users u
            WHERE u.role <> 'admin' AND u.id <> @viewerId
              AND NOT EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = @projectId AND m.user_id = u.id)
              AND (@viewerIsAdmin OR EXISTS (
                    SELECT 1 FROM project_members theirs
                    JOIN project_members mine ON mine.project_id = theirs.project_id AND mine.user_id = @viewerId
                    WHERE theirs.user_id = u.id))
            ORDER BY u.email
            """, new { projectId, viewerId, viewerIsAdmin })).AsList();
    }

    /// <summary>
    /// Adds the member or changes their role; returns the role they had before (null if none). Runs in the caller's
    /// transaction (which also writes the audit line), or in one of its own.
    /// </summary>
    public Task<string?> UpsertAsync(long projectId, long userId, string role, System.Data.IDbTransaction? transaction = null) =>
        transaction is null
            ? db.InTransactionAsync(own => UpsertAsync(projectId, userId, role, own))
            : UpsertInAsync(transaction, projectId, userId, role);

    private static async Task<string?> UpsertInAsync(System.Data.IDbTransaction transaction, long projectId, long userId, string role)
    {
        var connection = transaction.Connection!;
        var previous = await connection.ExecuteScalarAsync<string?>("""
            SELECT role FROM project_members WHERE project_id = @projectId AND user_id = @userId
            """, new { projectId, userId }, transaction);
        await connection.ExecuteAsync("""
            INSERT INTO project_members (project_id, user_id, role, added_at)
            VALUES (@projectId, @userId, @role, @now)
            ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role
            """, new { projectId, userId, role, now = TrackerDb.Utc(DateTimeOffset.UtcNow) }, transaction);
        return previous;
    }

    public async Task<bool> RemoveAsync(long projectId, long userId, System.Data.IDbTransaction? transaction = null) =>
        await db.UseAsync(transaction, (connection, transaction) => connection.ExecuteAsync("""
            DELETE FROM project_members WHERE project_id = @projectId AND user_id = @userId
            """, new { projectId, userId }, transaction)) > 0;

    public async Task<int> CountManagersAsync(long projectId)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<int>("""
            SELECT COUNT(*) FROM project_members WHERE project_id = @projectId AND role = 'manager'
            """, new { projectId });
    }

    public async Task<bool> ProjectExistsAsync(long projectId)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<bool>("""
            SELECT EXISTS (SELECT 1 FROM projects WHERE id = @projectId)
            """, new { projectId });
    }

    public async Task<IReadOnlyDictionary<long, string>> GetProjectNamesAsync()
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<(long Id, string Name)>("""
            SELECT id, name FROM projects ORDER BY name
            """)).ToDictionary(p => p.Id, p => p.Name);
    }

    /// <summary>The project a photo belongs to, or null when there is no such photo.</summary>
    public async Task<long?> GetProjectIdOfPhotoAsync(long photoId)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<long?>("""
            SELECT project_id FROM photos WHERE id = @photoId
            """, new { photoId });
    }
}
