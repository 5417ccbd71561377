using Dapper;

namespace ImaginAI.Tracker.Data;

/// <summary>
/// Work that one node of a cluster does at a time (re-embedding after a model change), where it is not a scheduled
/// Quartz job: on PostgreSQL a session-level advisory lock, held on a connection of its own for as long as the work
/// runs and freed by the server if the node dies. SQLite serves one node, so the turn is always this node's.
/// </summary>
public sealed class MaintenanceLock(TrackerDb db)
{
    public const string Reembedding = "reembedding";

    /// <summary>This node's turn at the named work, or null when another node holds it now (dispose to end the turn).</summary>
    public async Task<IAsyncDisposable?> TryTakeAsync(string work, CancellationToken cancellationToken)
    {
        if (!db.IsPostgres) return new Turn(null);
        var connection = await db.OpenAsync(cancellationToken);
        var key = LockKey(work);
        if (await connection.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_lock(@key)", new { key }))
            return new Turn(connection);
        await connection.DisposeAsync();
        return null;
    }

    /// <summary>The advisory lock key of the named work (an operator can see who holds it in pg_locks).</summary>
    public static long LockKey(string work) =>
        7242400200 + BitConverter.ToUInt16(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(work)));

    private sealed class Turn(System.Data.Common.DbConnection? connection) : IAsyncDisposable
    {
        // Closing the session frees its advisory locks (a pooled connection is reset on return: DISCARD ALL).
        public async ValueTask DisposeAsync()
        {
            if (connection is null) return;
            await connection.ExecuteAsync("SELECT pg_advisory_unlock_all()");
            await connection.DisposeAsync();
        }
    }
}
