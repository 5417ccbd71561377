using Dapper;

namespace ImaginAI.Tracker.Data;

/// <summary>
/// The photos a node's jobs have claimed (photos.claimed_by, lease_until; claimed by EmbeddingRepository and
/// MatchingRepository). Finishing a step clears its claim in the same statement; this hands back the ones a batch
/// did not finish, so no node waits out a lease for nothing.
/// </summary>
public sealed class WorkClaims(TrackerDb db, ILogger<WorkClaims> logger)
{
    /// <summary>Gives up this node's claim on the photos (any still claimed by it), so any node may take them now.</summary>
    public async Task ReleaseAsync(IEnumerable<long> photoIds)
    {
        var ids = photoIds.ToArray();
        if (ids.Length == 0) return;
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync($"""
            UPDATE photos SET claimed_by = NULL, lease_until = NULL
            WHERE id {db.Sql.InList("@ids")} AND claimed_by = @node
            """, new { ids, node = db.NodeId });
    }

    /// <summary>
    /// At start-up: claims left by a crash of this node. SQLite serves one node, so every claim is its own; on
    /// PostgreSQL only a fixed Database:NodeId can recognise its earlier self (other claims run out with their lease).
    /// </summary>
    public async Task ReleaseLeftoversAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var released = await connection.ExecuteAsync(new CommandDefinition(db.IsPostgres
            ? "UPDATE photos SET claimed_by = NULL, lease_until = NULL WHERE claimed_by = @node"
            : "UPDATE photos SET claimed_by = NULL, lease_until = NULL WHERE claimed_by IS NOT NULL",
            new { node = db.NodeId }, cancellationToken: cancellationToken));
        if (released > 0) logger.LogInformation("Released {Count} photos claimed before a restart", released);
    }
}
