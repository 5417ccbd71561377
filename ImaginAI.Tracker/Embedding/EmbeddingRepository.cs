using Dapper;
using ImaginAI.Tracker.Data;
using ImaginAI.Vision.Vectors;

namespace ImaginAI.Tracker.Embedding;

public sealed record PhotoToEmbed
{
    public long Id { get; init; }
    public long ProjectId { get; init; }
    public string Sha256 { get; init; } = "";
    public string ContentType { get; init; } = "";
    public int Attempts { get; init; }
}

public sealed class EmbeddingRepository(TrackerDb db)
{
    /// <summary>
    /// Claims pending photos whose next attempt is due, the longest waiting first, for this node until the lease
    /// ends: other nodes skip them meanwhile (on PostgreSQL also the rows another node is claiming at this moment).
    /// </summary>
    public async Task<IReadOnlyList<PhotoToEmbed>> ClaimDueAsync(DateTimeOffset now, int limit)
    {
        await using var connection = await db.OpenAsync();
        var photos = await connection.QueryAsync<PhotoToEmbed>($"""
            UPDATE photos SET claimed_by = @node, lease_until = @leaseUntil
            WHERE id IN (SELECT id FROM photos
                         WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= @now)
                           AND (lease_until IS NULL OR lease_until <= @now)
                         ORDER BY next_attempt_at, id
                         LIMIT @limit
                         {db.Sql.SkipLocked})
            RETURNING id, project_id, sha256, content_type, attempts
            """, new { now = TrackerDb.Utc(now), leaseUntil = TrackerDb.Utc(now + db.Lease), node = db.NodeId, limit });
        return photos.OrderBy(p => p.Id).ToList();
    }

    /// <summary>
    /// Counts the attempt before it is made, and holds the photo back until <paramref name="retryAt"/>: if the
    /// process dies during the attempt, the photo is retried after the same backoff as a failure.
    /// </summary>
    public async Task<bool> StartAttemptAsync(long photoId, DateTimeOffset retryAt)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteAsync("""
            UPDATE photos SET attempts = attempts + 1, next_attempt_at = @retryAt
            WHERE id = @photoId AND status = 'pending' AND claimed_by = @node
            """, new { photoId, retryAt = TrackerDb.Utc(retryAt), node = db.NodeId }) == 1;
    }

    /// <summary>
    /// Stores the vector and, for a pending photo, marks it embedded, in one transaction. Returns whether the
    /// photo's status changed.
    /// </summary>
    public async Task<bool> SaveAsync(long photoId, FeatureVector vector, bool markEmbedded, DateTimeOffset now)
    {
        await using var connection = await db.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO embeddings (photo_id, model_id, dims, vector, created_at)
            VALUES (@photoId, @modelId, @dims, @vector, @now)
            ON CONFLICT (photo_id, model_id) DO UPDATE SET dims = excluded.dims, vector = excluded.vector, created_at = excluded.created_at
            """, new { photoId, modelId = vector.ModelId, dims = vector.Dims, vector = VectorMath.ToBlob(vector.Values), now = TrackerDb.Utc(now) }, transaction);
        var changed = markEmbedded && await connection.ExecuteAsync("""
            UPDATE photos SET status = 'embedded', error = NULL, next_attempt_at = NULL, claimed_by = NULL, lease_until = NULL
            WHERE id = @photoId AND status = 'pending'
            """, new { photoId }, transaction) == 1;
        await transaction.CommitAsync();
        return changed;
    }

    /// <summary>Records a failed attempt: retried at <paramref name="retryAt"/>, or failed for good after the last attempt.</summary>
    public async Task<bool> RecordFailureAsync(long photoId, string error, bool lastAttempt, DateTimeOffset retryAt)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteAsync("""
            UPDATE photos
            SET error = @error,
                status = CASE WHEN @lastAttempt THEN 'failed' ELSE status END,
                next_attempt_at = CASE WHEN @lastAttempt THEN NULL ELSE @retryAt END,
                claimed_by = NULL, lease_until = NULL
            WHERE id = @photoId AND status = 'pending'
            """, new { photoId, error, lastAttempt, retryAt = TrackerDb.Utc(retryAt) }) == 1;
    }

    /// <summary>Photos embedded by another model than <paramref name="modelId"/> and not yet by it.</summary>
    public async Task<IReadOnlyList<PhotoToEmbed>> GetAwaitingReembeddingAsync(string modelId, int limit, IReadOnlyCollection<long> skip)
    {
        await using var connection = await db.OpenAsync();
        var photos = await connection.QueryAsync<PhotoToEmbed>($"""
            SELECT id, project_id, sha256, content_type, attempts
            FROM photos ph
            WHERE ph.status IN ('embedded', 'matched', 'unmatched')
              AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.photo_id = ph.id AND e.model_id = @modelId)
              AND NOT (ph.id {db.Sql.InList("@skip")})
            ORDER BY ph.id
            LIMIT @limit
            """, new { modelId, limit, skip = skip.ToArray() });
        return photos.AsList();
    }

    public async Task<int> CountAwaitingReembeddingAsync(long projectId, string modelId)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<int>("""
            SELECT COUNT(*)
            FROM photos ph
            WHERE ph.project_id = @projectId
              AND ph.status IN ('embedded', 'matched', 'unmatched')
              AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.photo_id = ph.id AND e.model_id = @modelId)
            """, new { projectId, modelId });
    }
}
