using System.Data;
using Dapper;
using ImaginAI.Tracker.Data;
using ImaginAI.Tracker.Matching;

namespace ImaginAI.Tracker.Photos;

/// <summary>One decision on a photo, as the photo page's history shows it.</summary>
public sealed record PhotoDecisionJson(
    long Id, DateTimeOffset DecidedAt, string Source, long? MilestoneId, string? MilestoneName, string? DecidedBy,
    MatchExplanation? Explanation);

/// <summary>
/// The decisions on each photo, oldest first (<c>photo_decisions</c>): the matching job's with its explanation, and
/// every manager's. Each is written in the transaction of the decision it records, so the history never disagrees
/// with the photo.
/// </summary>
public sealed class PhotoDecisionHistory(TrackerDb db)
{
    public static Task AddAutomaticAsync(IDbTransaction transaction, long photoId, long? milestoneId, MatchExplanation explanation, DateTimeOffset now) =>
        transaction.Connection!.ExecuteAsync("""
            INSERT INTO photo_decisions (photo_id, decided_at, source, milestone_id, milestone_name, explanation_json)
            VALUES (@photoId, @now, 'auto', @milestoneId, (SELECT name FROM milestones WHERE id = @milestoneId), @json)
            """, new { photoId, milestoneId, json = MatchExplanation.ToJson(explanation), now = TrackerDb.Utc(now) }, transaction);

    public static Task AddManualAsync(IDbTransaction transaction, IReadOnlyCollection<long> photoIds, long? milestoneId, long? decidedBy, DateTimeOffset now) =>
        transaction.Connection!.ExecuteAsync("""
            INSERT INTO photo_decisions (photo_id, decided_at, source, milestone_id, milestone_name, decided_by)
            SELECT id, @now, 'manual', @milestoneId, (SELECT name FROM milestones WHERE id = @milestoneId), @decidedBy
            FROM photos WHERE id IN @photoIds
            """, new { photoIds, milestoneId, decidedBy, now = TrackerDb.Utc(now) }, transaction);

    public async Task<IReadOnlyList<PhotoDecisionJson>> GetByPhotoIdAsync(long photoId)
    {
        await using var connection = await db.OpenAsync();
        // The milestone's current name where it still exists (it may have been renamed), else the name it had.
        var rows = await connection.QueryAsync<Row>("""
            SELECT d.id, d.decided_at, d.source, d.milestone_id, COALESCE(m.name, d.milestone_name) AS milestone_name,
                   u.email AS decided_by, d.explanation_json
            FROM photo_decisions d
            LEFT JOIN milestones m ON m.id = d.milestone_id
            LEFT JOIN users u ON u.id = d.decided_by
            WHERE d.photo_id = @photoId
            ORDER BY d.id
            """, new { photoId });
        return rows.Select(r => new PhotoDecisionJson(r.Id, r.DecidedAt, r.Source, r.MilestoneId, r.MilestoneName, r.DecidedBy,
            MatchExplanation.FromJson(r.ExplanationJson))).ToList();
    }

    private sealed class Row
    {
        public long Id { get; init; }
        public DateTimeOffset DecidedAt { get; init; }
        public string Source { get; init; } = "";
        public long? MilestoneId { get; init; }
        public string? MilestoneName { get; init; }
        public string? DecidedBy { get; init; }
        public string? ExplanationJson { get; init; }
    }
}
