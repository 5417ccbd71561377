using Dapper;
using ImaginAI.Tracker.Data;

namespace ImaginAI.Tracker.Reports;

/// <summary>
/// Which of a project's photos a report, an export or the map covers. Dates are whole UTC days, both included;
/// every field is optional.
/// </summary>
public sealed record PhotoFilter(DateOnly? From = null, DateOnly? To = null, long? MilestoneId = null, string? Status = null)
{
    public static readonly PhotoFilter All = new();
}

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
}

public sealed class ReportRepository(TrackerDb db)
{
    /// <summary>The project's photos (not the deleted ones) that pass the filter, in the order they were taken.</summary>
    public async Task<IReadOnlyList<ReportPhoto>> GetManyByProjectIdAsync(long projectId, PhotoFilter filter, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var photos = await connection.QueryAsync<ReportPhoto>("""
            SELECT ph.id, ph.file_name, ph.sha256, ph.content_type, ph.size_bytes, ph.taken_at, ph.note, ph.status,
                   ph.milestone_id, m.name AS milestone_name, ph.milestone_source, ph.milestone_score,
                   ph.matched_photo_id, ph.latitude, ph.longitude
            FROM photos ph LEFT JOIN milestones m ON m.id = ph.milestone_id
            WHERE ph.project_id = @projectId AND ph.deleted_at IS NULL
              AND (@from IS NULL OR ph.taken_at >= @from)
              AND (@until IS NULL OR ph.taken_at < @until)
              AND (@milestoneId IS NULL OR ph.milestone_id = @milestoneId)
              AND (@status IS NULL OR ph.status = @status)
            ORDER BY ph.taken_at, ph.id
            """, new
        {
            projectId,
            from = filter.From is { } from ? TrackerDb.Utc(Midnight(from)) : null,
            until = filter.To is { } to ? TrackerDb.Utc(Midnight(to.AddDays(1))) : null,
            milestoneId = filter.MilestoneId, status = filter.Status,
        });
        return photos.AsList();
    }

    private static DateTimeOffset Midnight(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
