using Dapper;
using ImaginAI.Tracker.Data;

namespace ImaginAI.Tracker.Jobs;

public sealed record ProjectStatusCount
{
    public long ProjectId { get; init; }
    public string ProjectName { get; init; } = "";
    public string Status { get; init; } = "";
    public int Count { get; init; }
}

/// <summary>The photo that has waited longest for the embedding or matching job (not yet decided, not failed).</summary>
public sealed record WaitingPhoto
{
    public long Id { get; init; }
    public long ProjectId { get; init; }
    public string FileName { get; init; } = "";
    public string Status { get; init; } = "";
    public DateTimeOffset UploadedAt { get; init; }
}

public sealed record RequeuedPhoto
{
    public long Id { get; init; }
    public long ProjectId { get; init; }
}

public sealed record FailedPhoto
{
    public long Id { get; init; }
    public long ProjectId { get; init; }
    public string ProjectName { get; init; } = "";
    public string FileName { get; init; } = "";
    public string? Error { get; init; }
    public int Attempts { get; init; }
    public DateTimeOffset UploadedAt { get; init; }
}

/// <summary>The photo status column seen as a queue: what is waiting, what failed, and moving photos back into it.</summary>
public sealed class JobsRepository(TrackerDb db)
{
    public async Task<IReadOnlyList<ProjectStatusCount>> CountByProjectAndStatusAsync()
    {
        await using var connection = await db.OpenAsync();
        var rows = await connection.QueryAsync<ProjectStatusCount>("""
            SELECT p.id AS project_id, p.name AS project_name, ph.status, COUNT(*) AS count
            FROM photos ph JOIN projects p ON p.id = ph.project_id
            GROUP BY p.id, p.name, ph.status
            ORDER BY p.name, p.id, ph.status
            """);
        return rows.AsList();
    }

    public async Task<WaitingPhoto?> GetOldestWaitingAsync()
    {
        await using var connection = await db.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<WaitingPhoto>("""
            SELECT id, project_id, file_name, status, uploaded_at
            FROM photos
            WHERE status IN ('pending', 'embedded')
            ORDER BY uploaded_at, id
            LIMIT 1
            """);
    }

    public async Task<IReadOnlyList<FailedPhoto>> GetFailedAsync(int limit)
    {
        await using var connection = await db.OpenAsync();
        var rows = await connection.QueryAsync<FailedPhoto>("""
            SELECT ph.id, ph.project_id, p.name AS project_name, ph.file_name, ph.error, ph.attempts, ph.uploaded_at
            FROM photos ph JOIN projects p ON p.id = ph.project_id
            WHERE ph.status = 'failed'
            ORDER BY ph.uploaded_at DESC, ph.id DESC
            LIMIT @limit
            """, new { limit });
        return rows.AsList();
    }

    /// <summary>
    /// Puts failed photos back in the embedding queue with a fresh count of attempts (one photo, a project's, or all
    /// when both are null). The file is embedded again and the photo decided again. Returns the photos moved.
    /// </summary>
    public async Task<IReadOnlyList<RequeuedPhoto>> RetryFailedAsync(long? photoId, long? projectId, DateTimeOffset now)
    {
        await using var connection = await db.OpenAsync();
        var ids = await connection.QueryAsync<RequeuedPhoto>("""
            UPDATE photos
            SET status = 'pending', attempts = 0, error = NULL, next_attempt_at = @now
            WHERE status = 'failed'
              AND (@photoId IS NULL OR id = @photoId)
              AND (@projectId IS NULL OR project_id = @projectId)
            RETURNING id, project_id
            """, new { photoId, projectId, now = TrackerDb.Utc(now) });
        return ids.AsList();
    }

    /// <summary>
    /// Drops the project's stored vectors: the embedding job's background pass embeds its photos again with the
    /// current model (their decisions stay), as after a model change. Returns how many photos will be re-embedded.
    /// </summary>
    public async Task<int> ForgetVectorsAsync(long projectId)
    {
        await using var connection = await db.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("""
            DELETE FROM embeddings WHERE photo_id IN (SELECT id FROM photos WHERE project_id = @projectId)
            """, new { projectId }, transaction);
        var count = await connection.ExecuteScalarAsync<int>("""
            SELECT COUNT(*) FROM photos WHERE project_id = @projectId AND status IN ('embedded', 'matched', 'unmatched')
            """, new { projectId }, transaction);
        await transaction.CommitAsync();
        return count;
    }

    public async Task<IReadOnlyDictionary<string, bool>> GetPausedAsync()
    {
        await using var connection = await db.OpenAsync();
        var rows = await connection.QueryAsync<(string Queue, bool Paused)>("SELECT queue, paused FROM job_controls");
        return rows.ToDictionary(r => r.Queue, r => r.Paused);
    }

    public async Task SetPausedAsync(string queue, bool paused, string? changedBy, DateTimeOffset now)
    {
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync("""
            INSERT INTO job_controls (queue, paused, changed_at, changed_by) VALUES (@queue, @paused, @now, @changedBy)
            ON CONFLICT (queue) DO UPDATE SET paused = excluded.paused, changed_at = excluded.changed_at, changed_by = excluded.changed_by
            """, new { queue, paused = paused ? 1 : 0, now = TrackerDb.Utc(now), changedBy });
    }
}
