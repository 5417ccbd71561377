using Dapper;
using ImaginAI.Tracker.Data;

namespace ImaginAI.Tracker.Timelapse;

/// <summary>A later photo of the project that may show the reference's spot.</summary>
public sealed class TimelapseCandidate
{
    public long Id { get; init; }
    public string FileName { get; init; } = "";
    public string Sha256 { get; init; } = "";
    public string ContentType { get; init; } = "";
    public DateTimeOffset TakenAt { get; init; }
    public long? MilestoneId { get; init; }
    public string? MilestoneName { get; init; }
}

public sealed class TimelapseRepository(TrackerDb db)
{
    /// <summary>
    /// The project's photos taken after the reference (in taken-at order), not deleted, whose features the embedding
    /// job has found: the photos a time-lapse of the reference is made from, if they line up with it.
    /// </summary>
    public async Task<IReadOnlyList<TimelapseCandidate>> GetCandidatesAsync(long projectId, long referenceId, DateTimeOffset referenceTakenAt)
    {
        await using var connection = await db.OpenAsync();
        var rows = await connection.QueryAsync<TimelapseCandidate>("""
            SELECT ph.id, ph.file_name, ph.sha256, ph.content_type, ph.taken_at, ph.milestone_id, m.name AS milestone_name
            FROM photos ph LEFT JOIN milestones m ON m.id = ph.milestone_id
            WHERE ph.project_id = @projectId AND ph.deleted_at IS NULL AND ph.id <> @referenceId
              AND ph.status IN ('embedded', 'matched', 'unmatched')
              AND (ph.taken_at > @takenAt OR (ph.taken_at = @takenAt AND ph.id > @referenceId))
            ORDER BY ph.taken_at, ph.id
            """, new { projectId, referenceId, takenAt = TrackerDb.Utc(referenceTakenAt) });
        return rows.AsList();
    }

    /// <summary>Which of these photo ids still exist (deleted or not): time-lapse folders of purged photos are removed.</summary>
    public async Task<IReadOnlySet<long>> GetExistingIdsAsync(IReadOnlyCollection<long> photoIds)
    {
        if (photoIds.Count == 0) return new HashSet<long>();
        await using var connection = await db.OpenAsync();
        var ids = new HashSet<long>();
        // In slices: SQLite caps the number of parameters in one statement.
        foreach (var slice in photoIds.Chunk(500))
            ids.UnionWith(await connection.QueryAsync<long>($"SELECT id FROM photos WHERE id {SqlDialect.Of(connection).InList("@slice")}", new { slice }));
        return ids;
    }
}
