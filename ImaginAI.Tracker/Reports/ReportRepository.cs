using Dapper;
using ImaginAI.Tracker.Data;
using ImaginAI.Tracker.Photos;

namespace ImaginAI.Tracker.Reports;

/// <summary>One photo as the report, the export manifest and the map read it.</summary>
public sealed class ReportPhoto
{
    public long Id { get; init; }
    public string FileName { get; init; } = "";
    public string Sha256 { get; init; } = "";
    public string ContentType { get; init; } = "";
    public long SizeBytes { get; init; }
    public DateTimeOffset TakenAt { get; init; }
    public string? Note { get; init; }
    public string Status { get; init; } = "";
    public long? MilestoneId { get; init; }
    public string? MilestoneName { get; init; }
    public string? MilestoneSource { get; init; }
    public double? MilestoneScore { get; init; }
    public long? MatchedPhotoId { get; init; }
    public double? Latitude { get; init; }
    public double? Longitude { get; init; }
    public string? UploaderEmail { get; init; }
    public long? UploadedBy { get; init; }
    public IReadOnlyList<string> Tags { get; set; } = [];
}

public sealed class ReportRepository(TrackerDb db)
{
    public static readonly GalleryFilter All = new(null, null, null, null, null, null);

    /// <summary>
    /// The project's photos (not the deleted ones) that pass the gallery's filter, in the order they were taken, with
    /// their uploader and tags: a shared gallery view exports exactly what it shows.
    /// </summary>
    public async Task<IReadOnlyList<ReportPhoto>> GetManyByProjectIdAsync(long projectId, GalleryFilter filter, CancellationToken cancellationToken = default)
    {
        var (condition, parameters) = PhotoRepository.GalleryCondition(projectId, filter);
        await using var connection = await db.OpenAsync(cancellationToken);
        var photos = (await connection.QueryAsync<ReportPhoto>($"""
            SELECT ph.id, ph.file_name, ph.sha256, ph.content_type, ph.size_bytes, ph.taken_at, ph.note, ph.status,
                   ph.milestone_id, m.name AS milestone_name, ph.milestone_source, ph.milestone_score,
                   ph.matched_photo_id, ph.latitude, ph.longitude, ph.uploaded_by, u.email AS uploader_email
            FROM photos ph LEFT JOIN milestones m ON m.id = ph.milestone_id LEFT JOIN users u ON u.id = ph.uploaded_by
            WHERE {condition}
            ORDER BY ph.taken_at, ph.id
            """, parameters)).AsList();
        var tags = (await connection.QueryAsync<(long PhotoId, string Tag)>(
                "SELECT photo_id, tag FROM photo_tags WHERE project_id = @projectId ORDER BY tag", new { projectId }))
            .ToLookup(t => t.PhotoId, t => t.Tag);
        foreach (var photo in photos) photo.Tags = tags[photo.Id].ToList();
        return photos;
    }
}
