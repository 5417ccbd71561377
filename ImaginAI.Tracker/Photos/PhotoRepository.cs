using Dapper;
using ImaginAI.Tracker.Data;

namespace ImaginAI.Tracker.Photos;

public sealed record NewPhoto(
    long ProjectId, string FileName, string Sha256, string ContentType, long SizeBytes, int Width, int Height,
    DateTimeOffset TakenAt, DateTimeOffset UploadedAt, double? Latitude, double? Longitude, string? Note,
    long? MilestoneId);

public sealed record ExistingPhoto
{
    public long Id { get; init; }
    public string Status { get; init; } = "";
}

public sealed class PhotoRepository(TrackerDb db)
{
    private const string PhotoColumns = """
        ph.id, ph.project_id, ph.file_name, ph.sha256, ph.content_type, ph.size_bytes, ph.width, ph.height,
        ph.taken_at, ph.uploaded_at, ph.note, ph.status, ph.milestone_id, ph.milestone_source, ph.milestone_score,
        ph.match_score, ph.matched_photo_id, ph.error, ph.attempts, ph.decision_count, ph.decision_json,
        m.name AS milestone_name, m.position AS milestone_position
        """;

    public async Task<Photo?> GetByIdAsync(long id)
    {
        await using var connection = await db.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<Photo>($"""
            SELECT {PhotoColumns}
            FROM photos ph LEFT JOIN milestones m ON m.id = ph.milestone_id
            WHERE ph.id = @id
            """, new { id });
    }

    /// <summary>The project's photos in the order they were taken.</summary>
    public async Task<IReadOnlyList<Photo>> GetManyByProjectIdAsync(long projectId)
    {
        await using var connection = await db.OpenAsync();
        var photos = await connection.QueryAsync<Photo>($"""
            SELECT {PhotoColumns}
            FROM photos ph LEFT JOIN milestones m ON m.id = ph.milestone_id
            WHERE ph.project_id = @projectId
            ORDER BY ph.taken_at, ph.id
            """, new { projectId });
        return photos.AsList();
    }

    public async Task<ExistingPhoto?> GetBySha256Async(long projectId, string sha256)
    {
        await using var connection = await db.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<ExistingPhoto>("""
            SELECT id, status FROM photos WHERE project_id = @projectId AND sha256 = @sha256
            """, new { projectId, sha256 });
    }

    /// <summary>Inserts the photo as pending; null when the same file is already in the project (a concurrent upload won).</summary>
    public async Task<long?> CreateAsync(NewPhoto photo)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<long?>("""
            INSERT INTO photos (project_id, file_name, sha256, content_type, size_bytes, width, height, taken_at,
                                uploaded_at, latitude, longitude, note, status, milestone_id, milestone_source,
                                next_attempt_at)
            VALUES (@ProjectId, @FileName, @Sha256, @ContentType, @SizeBytes, @Width, @Height, @TakenAt,
                    @UploadedAt, @Latitude, @Longitude, @Note, 'pending', @MilestoneId,
                    CASE WHEN @MilestoneId IS NULL THEN NULL ELSE 'reference' END,
                    @UploadedAt)
            ON CONFLICT (project_id, sha256) DO NOTHING
            RETURNING id
            """, new
        {
            photo.ProjectId, photo.FileName, photo.Sha256, photo.ContentType, photo.SizeBytes, photo.Width, photo.Height,
            TakenAt = TrackerDb.Utc(photo.TakenAt), UploadedAt = TrackerDb.Utc(photo.UploadedAt),
            photo.Latitude, photo.Longitude, photo.Note, photo.MilestoneId,
        });
    }

    public async Task<IReadOnlyDictionary<string, int>> CountByStatusAsync()
    {
        await using var connection = await db.OpenAsync();
        var rows = await connection.QueryAsync<(string Status, int Count)>("SELECT status, COUNT(*) FROM photos GROUP BY status");
        var counts = new Dictionary<string, int>
        {
            [PhotoStatus.Pending] = 0, [PhotoStatus.Embedded] = 0, [PhotoStatus.Matched] = 0,
            [PhotoStatus.Unmatched] = 0, [PhotoStatus.Failed] = 0,
        };
        foreach (var (status, count) in rows) counts[status] = count;
        return counts;
    }

    /// <summary>
    /// When the photo that has waited longest for the jobs (pending or embedded) was uploaded; null when none waits.
    /// A photo held back for a retry counts as waiting: a queue that only retries is still stuck.
    /// </summary>
    public async Task<DateTimeOffset?> GetOldestWaitingUploadedAtAsync()
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<DateTimeOffset?>("""
            SELECT uploaded_at FROM photos WHERE status IN ('pending', 'embedded') ORDER BY uploaded_at LIMIT 1
            """);
    }

    /// <summary>
    /// A manager's decision: the milestone (or none) becomes manual, and so a reference for later matches. A decided
    /// photo moves between matched and unmatched; one still being processed keeps its status and the job keeps the
    /// manager's choice. Returns whether the milestone was reached by this decision, or null when the photo is gone.
    /// </summary>
    public async Task<bool?> SetMilestoneByManagerAsync(long photoId, long? milestoneId)
    {
        await using var connection = await db.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var wasReached = milestoneId is not null && await MilestoneReachedAsync(connection, transaction, milestoneId.Value);
        var updated = await connection.ExecuteAsync("""
            UPDATE photos
            SET milestone_id = @milestoneId,
                milestone_source = 'manual',
                milestone_score = NULL,
                status = CASE WHEN status IN ('matched', 'unmatched')
                              THEN CASE WHEN @milestoneId IS NULL THEN 'unmatched' ELSE 'matched' END
                              ELSE status END
            WHERE id = @photoId
            """, new { photoId, milestoneId }, transaction);
        if (updated == 0) return null;
        var nowReached = milestoneId is not null && await MilestoneReachedAsync(connection, transaction, milestoneId.Value);
        await transaction.CommitAsync();
        return !wasReached && nowReached;
    }

    internal static Task<bool> MilestoneReachedAsync(System.Data.IDbConnection connection, System.Data.IDbTransaction transaction, long milestoneId) =>
        connection.ExecuteScalarAsync<bool>("""
            SELECT EXISTS (SELECT 1 FROM photos WHERE milestone_id = @milestoneId AND status = 'matched')
            """, new { milestoneId }, transaction);
}
