using System.Data;
using Dapper;
using ImaginAI.Tracker.Data;

namespace ImaginAI.Tracker.Photos;

public sealed record NewPhoto(
    long ProjectId, string FileName, string Sha256, string ContentType, long SizeBytes, int Width, int Height,
    DateTimeOffset TakenAt, DateTimeOffset UploadedAt, double? Latitude, double? Longitude, string? Note,
    long? MilestoneId, long? UploadedBy = null, IReadOnlyList<string>? Tags = null);

public sealed record PhotoNeighbours
{
    public long? PreviousId { get; init; }
    public long? NextId { get; init; }
    public long Position { get; init; }
    public long Total { get; init; }
}

public sealed record ExistingPhoto
{
    public long Id { get; init; }
    public string Status { get; init; } = "";
    public string? Error { get; init; }
}

public sealed class PhotoRepository(TrackerDb db)
{
    private const string PhotoColumns = """
        ph.id, ph.project_id, ph.file_name, ph.sha256, ph.content_type, ph.size_bytes, ph.width, ph.height,
        ph.taken_at, ph.uploaded_at, ph.note, ph.status, ph.milestone_id, ph.milestone_source, ph.milestone_score,
        ph.match_score, ph.matched_photo_id, ph.error, ph.attempts, ph.decision_count, ph.decision_json,
        m.name AS milestone_name, m.position AS milestone_position, ph.deleted_at,
        ph.uploaded_by, u.email AS uploader_email, ph.latitude, ph.longitude
        """;

    private const string PhotoFrom = """
        photos ph LEFT JOIN milestones m ON m.id = ph.milestone_id LEFT JOIN users u ON u.id = ph.uploaded_by
        """;

    public async Task<Photo?> GetByIdAsync(long id)
    {
        await using var connection = await db.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<Photo>($"""
            SELECT {PhotoColumns}
            FROM {PhotoFrom}
            WHERE ph.id = @id
            """, new { id }) is { } photo ? (await WithTagsAsync(connection, [photo]))[0] : null;
    }

    /// <summary>The project's photos in the order they were taken (not the deleted ones).</summary>
    public async Task<IReadOnlyList<Photo>> GetManyByProjectIdAsync(long projectId)
    {
        await using var connection = await db.OpenAsync();
        var photos = await connection.QueryAsync<Photo>($"""
            SELECT {PhotoColumns}
            FROM {PhotoFrom}
            WHERE ph.project_id = @projectId AND ph.deleted_at IS NULL
            ORDER BY ph.taken_at, ph.id
            """, new { projectId });
        return await WithTagsAsync(connection, photos.AsList(), projectId);
    }

    /// <summary>
    /// The photos just before and after this one on its project's timeline (in the order taken, as the lanes show
    /// them; deleted photos left out), and where this one stands among them.
    /// </summary>
    public async Task<PhotoNeighbours> GetNeighboursAsync(Photo photo)
    {
        await using var connection = await db.OpenAsync();
        return await connection.QuerySingleAsync<PhotoNeighbours>("""
            SELECT
                (SELECT id FROM photos
                 WHERE project_id = @ProjectId AND deleted_at IS NULL AND (taken_at < @takenAt OR (taken_at = @takenAt AND id < @Id))
                 ORDER BY taken_at DESC, id DESC LIMIT 1) AS previous_id,
                (SELECT id FROM photos
                 WHERE project_id = @ProjectId AND deleted_at IS NULL AND (taken_at > @takenAt OR (taken_at = @takenAt AND id > @Id))
                 ORDER BY taken_at, id LIMIT 1) AS next_id,
                (SELECT COUNT(*) FROM photos
                 WHERE project_id = @ProjectId AND deleted_at IS NULL AND (taken_at < @takenAt OR (taken_at = @takenAt AND id <= @Id))) AS position,
                (SELECT COUNT(*) FROM photos WHERE project_id = @ProjectId AND deleted_at IS NULL) AS total
            """, new { photo.ProjectId, photo.Id, takenAt = TrackerDb.Utc(photo.TakenAt) });
    }

    public async Task<ExistingPhoto?> GetBySha256Async(long projectId, string sha256)
    {
        await using var connection = await db.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<ExistingPhoto>("""
            SELECT id, status, error FROM photos WHERE project_id = @projectId AND sha256 = @sha256
            """, new { projectId, sha256 });
    }

    /// <summary>
    /// Inserts the photo as pending, with its tags, in one transaction; null when the same file is already in the
    /// project (a concurrent upload won).
    /// </summary>
    public async Task<long?> CreateAsync(NewPhoto photo)
    {
        await using var connection = await db.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var id = await connection.ExecuteScalarAsync<long?>("""
            INSERT INTO photos (project_id, file_name, sha256, content_type, size_bytes, width, height, taken_at,
                                uploaded_at, latitude, longitude, note, status, milestone_id, milestone_source,
                                next_attempt_at, uploaded_by)
            VALUES (@ProjectId, @FileName, @Sha256, @ContentType, @SizeBytes, @Width, @Height, @TakenAt,
                    @UploadedAt, @Latitude, @Longitude, @Note, 'pending', @MilestoneId,
                    CASE WHEN @MilestoneId IS NULL THEN NULL ELSE 'reference' END,
                    @UploadedAt, @UploadedBy)
            ON CONFLICT (project_id, sha256) DO NOTHING
            RETURNING id
            """, new
        {
            photo.ProjectId, photo.FileName, photo.Sha256, photo.ContentType, photo.SizeBytes, photo.Width, photo.Height,
            TakenAt = TrackerDb.Utc(photo.TakenAt), UploadedAt = TrackerDb.Utc(photo.UploadedAt),
            photo.Latitude, photo.Longitude, photo.Note, photo.MilestoneId, photo.UploadedBy,
        }, transaction);
        if (id is { } photoId) await InsertTagsAsync(transaction, photoId, photo.ProjectId, photo.Tags ?? []);
        await transaction.CommitAsync();
        return id;
    }

    private static Task InsertTagsAsync(System.Data.IDbTransaction transaction, long photoId, long projectId, IReadOnlyList<string> tags) =>
        transaction.Connection!.ExecuteAsync("""
            INSERT INTO photo_tags (photo_id, project_id, tag) VALUES (@photoId, @projectId, @tag)
            """, tags.Select(tag => new { photoId, projectId, tag }), transaction);

    /// <summary>
    /// Sets the note and/or replaces the tags (a null argument leaves that part as it is), in one transaction.
    /// Returns false when there is no such photo.
    /// </summary>
    public Task<bool> UpdateNoteAndTagsAsync(long photoId, bool setNote, string? note, IReadOnlyList<string>? tags, IDbTransaction? outer = null) =>
        db.InTransactionAsync(outer, async transaction =>
    {
        var connection = transaction.Connection!;
        var projectId = await connection.ExecuteScalarAsync<long?>("""
            UPDATE photos SET note = CASE WHEN @setNote = 1 THEN @note ELSE note END
            WHERE id = @photoId
            RETURNING project_id
            """, new { photoId, setNote = setNote ? 1 : 0, note }, transaction);
        if (projectId is null) return false;
        if (tags is not null)
        {
            await connection.ExecuteAsync("DELETE FROM photo_tags WHERE photo_id = @photoId", new { photoId }, transaction);
            await InsertTagsAsync(transaction, photoId, projectId.Value, tags);
        }
        return true;
    });

    /// <summary>Reads the tags of the photos (of one project when given, which lets the index on project_id serve it).</summary>
    private static async Task<IReadOnlyList<Photo>> WithTagsAsync(System.Data.IDbConnection connection, IReadOnlyList<Photo> photos, long? projectId = null)
    {
        if (photos.Count == 0) return photos;
        var rows = projectId is { } project
            ? await connection.QueryAsync<(long PhotoId, string Tag)>(
                "SELECT photo_id, tag FROM photo_tags WHERE project_id = @project ORDER BY tag", new { project })
            : await connection.QueryAsync<(long PhotoId, string Tag)>(
                $"SELECT photo_id, tag FROM photo_tags WHERE photo_id {SqlDialect.Of(connection).InList("@ids")} ORDER BY tag",
                new { ids = photos.Select(p => p.Id).ToArray() });
        var byPhoto = rows.GroupBy(r => r.PhotoId).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(r => r.Tag).ToList());
        foreach (var photo in photos) photo.Tags = byPhoto.GetValueOrDefault(photo.Id) ?? [];
        return photos;
    }

    /// <summary>The project's tags on photos that are not deleted, the most used first (autocomplete and the gallery filter).</summary>
    public async Task<IReadOnlyList<TagCount>> GetTagsByProjectIdAsync(long projectId, string? prefix, int limit)
    {
        await using var connection = await db.OpenAsync();
        var rows = await connection.QueryAsync<(string Tag, long Photos)>("""
            SELECT t.tag, COUNT(*)
            FROM photo_tags t JOIN photos ph ON ph.id = t.photo_id
            WHERE t.project_id = @projectId AND ph.deleted_at IS NULL
              AND (@prefix IS NULL OR substr(t.tag, 1, @prefixLength) = @prefix)
            GROUP BY t.tag
            ORDER BY COUNT(*) DESC, t.tag
            LIMIT @limit
            """, new { projectId, prefix, prefixLength = prefix?.Length ?? 0, limit });
        return rows.Select(r => new TagCount(r.Tag, (int)r.Photos)).ToList();
    }

    /// <summary>Who uploaded the project's photos (not deleted), with how many each, for the gallery's filter.</summary>
    public async Task<IReadOnlyList<UploaderCount>> GetUploadersByProjectIdAsync(long projectId)
    {
        await using var connection = await db.OpenAsync();
        var rows = await connection.QueryAsync<(long Id, string? Email, long Photos)>("""
            SELECT ph.uploaded_by, u.email, COUNT(*)
            FROM photos ph LEFT JOIN users u ON u.id = ph.uploaded_by
            WHERE ph.project_id = @projectId AND ph.deleted_at IS NULL AND ph.uploaded_by IS NOT NULL
            GROUP BY ph.uploaded_by, u.email
            ORDER BY lower(COALESCE(u.email, '')), ph.uploaded_by
            """, new { projectId });
        return rows.Select(r => new UploaderCount(new MemberRef(r.Id, r.Email), (int)r.Photos)).ToList();
    }

    /// <summary>One page of the project's photos (not deleted) that pass the filter, newest first, and how many pass it.</summary>
    public async Task<(IReadOnlyList<Photo> Photos, int Total)> GetGalleryPageAsync(long projectId, GalleryFilter filter, int page, int pageSize)
    {
        var (condition, parameters) = GalleryCondition(projectId, filter);
        parameters.Add("limit", pageSize);
        parameters.Add("offset", (page - 1) * pageSize);
        await using var connection = await db.OpenAsync();
        var total = await connection.ExecuteScalarAsync<int>($"SELECT COUNT(*) FROM photos ph WHERE {condition}", parameters);
        var photos = (await connection.QueryAsync<Photo>($"""
            SELECT {PhotoColumns}
            FROM {PhotoFrom}
            WHERE {condition}
            ORDER BY ph.taken_at DESC, ph.id DESC
            LIMIT @limit OFFSET @offset
            """, parameters)).AsList();
        return (await WithTagsAsync(connection, photos), total);
    }

    /// <summary>
    /// The gallery's filter as a condition on photos ph (not deleted, of the project) with its parameters: the one
    /// definition of a filtered view, shared by the gallery and the export. The text is fixed; every value is a parameter.
    /// </summary>
    internal static (string Condition, DynamicParameters Parameters) GalleryCondition(long projectId, GalleryFilter filter)
    {
        var where = new List<string> { "ph.project_id = @projectId", "ph.deleted_at IS NULL" };
        if (filter.From is not null) where.Add("ph.taken_at >= @from");
        if (filter.To is not null) where.Add("ph.taken_at < @to");
        if (filter.UploaderId is not null) where.Add("ph.uploaded_by = @uploaderId");
        if (filter.MilestoneId is not null) where.Add("ph.milestone_id = @milestoneId");
        if (filter.Status is { } status) where.Add(GalleryStatuses.Condition(status));
        if (filter.Tag is not null) where.Add("EXISTS (SELECT 1 FROM photo_tags t WHERE t.photo_id = ph.id AND t.tag = @tag)");
        return (string.Join(" AND ", where), new DynamicParameters(new
        {
            projectId, uploaderId = filter.UploaderId, milestoneId = filter.MilestoneId, tag = filter.Tag,
            from = filter.From is { } from ? TrackerDb.Utc(from) : null,
            to = filter.To is { } to ? TrackerDb.Utc(to) : null,
        }));
    }

    public static readonly IReadOnlyList<string> AllStatuses =
        [PhotoStatus.Pending, PhotoStatus.Embedded, PhotoStatus.Matched, PhotoStatus.Unmatched, PhotoStatus.Failed];

    public async Task<IReadOnlyDictionary<string, int>> CountByStatusAsync()
    {
        await using var connection = await db.OpenAsync();
        var rows = await connection.QueryAsync<(string Status, int Count)>("SELECT status, COUNT(*) FROM photos GROUP BY status");
        var counts = AllStatuses.ToDictionary(s => s, _ => 0);
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
    /// Runs in the caller's transaction, which also records the decision as a calibration example.
    /// </summary>
    public static async Task<bool?> SetMilestoneByManagerAsync(System.Data.IDbTransaction transaction, long photoId, long? milestoneId,
        long? decidedBy, DateTimeOffset now) =>
        await SetMilestoneByManagerAsync(transaction, null, [photoId], milestoneId, decidedBy, now) is { Applied: 1 } result
            ? milestoneId is { } id && result.Reached.Contains(id)
            : null;

    /// <summary>
    /// The same decision for many photos of one project (a bulk review), in the caller's transaction so their
    /// calibration examples commit with it; each photo's history records who decided. Changes nothing, and returns null, unless every photo exists in the
    /// project and is not deleted.
    /// </summary>
    public static async Task<(int Applied, IReadOnlyList<long> Reached)?> SetMilestoneByManagerAsync(
        System.Data.IDbTransaction transaction, long? projectId, IReadOnlyCollection<long> photoIds, long? milestoneId,
        long? decidedBy, DateTimeOffset now)
    {
        var connection = transaction.Connection!;
        // Checked before the update so a refused request leaves the caller's transaction untouched.
        var ids = SqlDialect.Of(connection).InList("@photoIds");
        var projects = (await connection.QueryAsync<long>($"""
            SELECT project_id FROM photos
            WHERE id {ids} AND deleted_at IS NULL AND (@projectId IS NULL OR project_id = @projectId)
            """, new { photoIds = photoIds.ToArray(), projectId }, transaction)).AsList();
        if (projects.Count != photoIds.Count || projects.Distinct().Count() != 1) return null;
        var applied = await connection.ExecuteAsync($"""
            UPDATE photos
            SET milestone_id = @milestoneId,
                milestone_source = 'manual',
                milestone_score = NULL,
                status = CASE WHEN status IN ('matched', 'unmatched')
                              THEN CASE WHEN @milestoneId IS NULL THEN 'unmatched' ELSE 'matched' END
                              ELSE status END
            WHERE id {ids}
            """, new { photoIds = photoIds.ToArray(), milestoneId }, transaction);
        await PhotoDecisionHistory.AddManualAsync(transaction, photoIds, milestoneId, decidedBy, now);
        var reached = await Projects.MilestoneProgress.RecomputeAsync(connection, transaction, projects[0]);
        return (applied, reached);
    }

    /// <summary>
    /// A manager's soft delete: the photo leaves the timeline, search and progress at once; its file and vectors stay
    /// until <see cref="PhotoPurgeJob"/> removes them. Returns the photo's project, or null when there is no such
    /// photo or it is already deleted.
    /// </summary>
    public Task<long?> SoftDeleteAsync(long photoId, long? deletedBy, DateTimeOffset now, IDbTransaction? outer = null) =>
        db.InTransactionAsync(outer, async transaction =>
    {
        var connection = transaction.Connection!;
        var projectId = await connection.ExecuteScalarAsync<long?>("""
            UPDATE photos SET deleted_at = @now, deleted_by = @deletedBy
            WHERE id = @photoId AND deleted_at IS NULL
            RETURNING project_id
            """, new { photoId, deletedBy, now = TrackerDb.Utc(now) }, transaction);
        if (projectId is null) return null;
        await Projects.MilestoneProgress.RecomputeAsync(connection, transaction, projectId.Value);
        return projectId;
    });

    /// <summary>Undoes a soft delete; returns the milestones the photo reaches again (null when it was not deleted).</summary>
    public Task<IReadOnlyList<long>?> RestoreAsync(long photoId, IDbTransaction? outer = null) =>
        db.InTransactionAsync(outer, async transaction =>
    {
        var connection = transaction.Connection!;
        var projectId = await connection.ExecuteScalarAsync<long?>("""
            UPDATE photos SET deleted_at = NULL, deleted_by = NULL
            WHERE id = @photoId AND deleted_at IS NOT NULL
            RETURNING project_id
            """, new { photoId }, transaction);
        if (projectId is null) return (IReadOnlyList<long>?)null;
        return await Projects.MilestoneProgress.RecomputeAsync(connection, transaction, projectId.Value);
    });

    /// <summary>The deleted photos of the projects, which search leaves out.</summary>
    public async Task<IReadOnlySet<long>> GetDeletedIdsAsync(IEnumerable<long> projectIds)
    {
        await using var connection = await db.OpenAsync();
        var ids = await connection.QueryAsync<long>(
            $"SELECT id FROM photos WHERE deleted_at IS NOT NULL AND project_id {db.Sql.InList("@projectIds")}", new { projectIds = projectIds.ToArray() });
        return ids.ToHashSet();
    }

    /// <summary>Photos deleted before the cutoff, which their 30 days of grace have run out for.</summary>
    public async Task<IReadOnlyList<Photo>> GetDeletedBeforeAsync(DateTimeOffset cutoff)
    {
        await using var connection = await db.OpenAsync();
        var photos = await connection.QueryAsync<Photo>($"""
            SELECT {PhotoColumns}
            FROM {PhotoFrom}
            WHERE ph.deleted_at IS NOT NULL AND ph.deleted_at < @cutoff
            """, new { cutoff = TrackerDb.Utc(cutoff) });
        return photos.AsList();
    }

    /// <summary>
    /// Removes a deleted photo's row for good (its vectors and examples go with it). Returns whether another photo
    /// still uses the same stored file, which then must stay.
    /// </summary>
    public async Task<(bool Purged, bool FileStillUsed)> PurgeAsync(long photoId, string sha256)
    {
        await using var connection = await db.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var purged = await connection.ExecuteAsync(
            "DELETE FROM photos WHERE id = @photoId AND deleted_at IS NOT NULL", new { photoId }, transaction) == 1;
        var stillUsed = await connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM photos WHERE sha256 = @sha256)", new { sha256 }, transaction);
        await transaction.CommitAsync();
        return (purged, stillUsed);
    }
}
