using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Dapper;
using ImaginAI.Tracker.Data;
using ImaginAI.Vision.Vectors;

namespace ImaginAI.Tracker.Matching;

/// <summary>One change to apply: the photo's current vector and project, or nulls when it has none any more.</summary>
public readonly record struct EmbeddingChange(long Seq, long PhotoId, long? ProjectId, byte[]? Vector);

/// <summary>
/// The similarity index's reads of the embeddings: the whole model at once (a data reader straight into the index,
/// no per-row objects), the changes since a stamp, the exact vectors of a shortlist, and the exact scan that serves
/// while the index is being built.
/// </summary>
public sealed class VectorIndexRepository(TrackerDb db)
{
    /// <summary>
    /// Fills <paramref name="index"/> with every vector of its model, and returns the last change they include:
    /// both are read in one transaction, so changes after the stamp are exactly the ones the index misses.
    /// </summary>
    public long LoadAll(VectorIndex index, CancellationToken cancellationToken)
    {
        using var connection = db.Open();
        using var transaction = db.Sql.BeginSnapshot(connection);
        var stamp = connection.ExecuteScalar<long>($"SELECT {db.Sql.NewestEmbeddingChange}", transaction: transaction);
        using var reader = connection.ExecuteReader("""
            SELECT e.photo_id, ph.project_id, e.vector
            FROM embeddings e JOIN photos ph ON ph.id = e.photo_id
            WHERE e.model_id = @modelId AND e.dims = @dims
            """, new { modelId = index.ModelId, dims = (long)index.Dims }, transaction);
        var vector = new float[index.Dims];
        var bytes = MemoryMarshal.AsBytes(vector.AsSpan()).Length;
        var buffer = new byte[bytes];
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (reader.GetBytes(2, 0, buffer, 0, bytes) != bytes) continue;
            buffer.CopyTo(MemoryMarshal.AsBytes(vector.AsSpan()));
            index.Upsert(reader.GetInt64(0), reader.GetInt64(1), vector);
        }
        return stamp;
    }

    /// <summary>Changes of the model after <paramref name="after"/>, oldest first, each with the photo's current state.</summary>
    public async Task<IReadOnlyList<EmbeddingChange>> GetChangesAsync(string modelId, int dims, long after, int limit)
    {
        await using var connection = await db.OpenAsync();
        var changes = await connection.QueryAsync<EmbeddingChange>("""
            SELECT c.seq AS Seq, c.photo_id AS PhotoId, ph.project_id AS ProjectId, e.vector AS Vector
            FROM embedding_changes c
            LEFT JOIN embeddings e ON e.photo_id = c.photo_id AND e.model_id = c.model_id AND e.dims = @dims
            LEFT JOIN photos ph ON ph.id = c.photo_id
            WHERE c.model_id = @modelId AND c.seq > @after
            ORDER BY c.seq
            LIMIT @limit
            """, new { modelId, dims, after, limit });
        return changes.AsList();
    }

    public async Task<int> CountAsync(string modelId)
    {
        await using var connection = await db.OpenAsync();
        // The model id alone, so the count is read from ix_embeddings_model without touching 1M rows (a model's
        // vectors all have its dimension, and foreign keys leave no vector without its photo).
        return await connection.ExecuteScalarAsync<int>("""
            SELECT COUNT(*) FROM embeddings WHERE model_id = @modelId
            """, new { modelId });
    }

    /// <summary>The stamp of the index file last saved for the model, and the newest change there is.</summary>
    public async Task<(long? Saved, long Newest)> GetStampsAsync(string modelId)
    {
        await using var connection = await db.OpenAsync();
        return await connection.QuerySingleAsync<(long?, long)>($"""
            SELECT (SELECT stamp FROM vector_index_files WHERE model_id = @modelId), {db.Sql.NewestEmbeddingChange}
            """, new { modelId });
    }

    /// <summary>
    /// Records the saved file's stamp and forgets the changes both it and the previously saved file hold, in one
    /// transaction. Keeping one save interval of changes lets other nodes, whose indexes may be a few changes behind
    /// this one, still apply them.
    /// </summary>
    public async Task RecordSavedAsync(string modelId, long stamp)
    {
        await using var connection = await db.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("""
            DELETE FROM embedding_changes WHERE model_id = @modelId AND seq <= @stamp
              AND seq <= COALESCE((SELECT stamp FROM vector_index_files WHERE model_id = @modelId), 0)
            """, new { modelId, stamp }, transaction);
        await connection.ExecuteAsync("""
            INSERT INTO vector_index_files (model_id, stamp) VALUES (@modelId, @stamp)
            ON CONFLICT (model_id) DO UPDATE SET stamp = excluded.stamp
            """, new { modelId, stamp }, transaction);
        await transaction.CommitAsync();
    }

    /// <summary>The exact vectors of a shortlist, read by primary key, for the index's final re-rank.</summary>
    public IExactVectorSource ExactVectors(string modelId, int dims) => new ExactSource(db, modelId, dims);

    /// <summary>
    /// The fallback while the model's index is loading or being rebuilt: every vector of the chosen projects read
    /// from the database and compared exactly. Slow for many vectors, but never wrong.
    /// </summary>
    public IReadOnlyList<VectorHit> ExactScan(string modelId, int dims, ReadOnlySpan<float> query, int k,
        IReadOnlyCollection<long>? projectIds, Func<long, bool>? filter)
    {
        using var connection = db.OpenForReading();
        using var reader = projectIds is null
            ? connection.ExecuteReader("""
              SELECT e.photo_id, e.vector FROM embeddings e
              WHERE e.model_id = @modelId AND e.dims = @dims
              """, new { modelId, dims = (long)dims })
            : connection.ExecuteReader($"""
              SELECT e.photo_id, e.vector FROM embeddings e JOIN photos ph ON ph.id = e.photo_id
              WHERE e.model_id = @modelId AND e.dims = @dims AND ph.project_id {db.Sql.InList("@projects")}
              """, new { modelId, dims = (long)dims, projects = projectIds.ToArray() });
        var vector = new float[dims];
        var buffer = new byte[dims * sizeof(float)];
        var best = new PriorityQueue<VectorHit, (float, long)>(k + 1);
        while (reader.Read())
        {
            var id = reader.GetInt64(0);
            if (filter is not null && !filter(id)) continue;
            if (reader.GetBytes(1, 0, buffer, 0, buffer.Length) != buffer.Length) continue;
            buffer.CopyTo(MemoryMarshal.AsBytes(vector.AsSpan()));
            var score = TensorPrimitives.Dot(query, vector);
            var priority = (score, -id);
            if (best.Count < k) best.Enqueue(new VectorHit(id, score), priority);
            else if (best.TryPeek(out _, out var weakest) && priority.CompareTo(weakest) > 0) best.EnqueueDequeue(new VectorHit(id, score), priority);
        }
        var hits = new VectorHit[best.Count];
        for (var i = hits.Length - 1; i >= 0; i--) hits[i] = best.Dequeue();
        return hits;
    }

    /// <summary>One photo's vector of the model, or null.</summary>
    public float[]? GetVector(long photoId, string modelId, int dims)
    {
        var vectors = new float[dims];
        var found = new bool[1];
        new ExactSource(db, modelId, dims).Read([photoId], vectors, found);
        return found[0] ? vectors : null;
    }

    private sealed class ExactSource(TrackerDb db, string modelId, int dims) : IExactVectorSource
    {
        public void Read(IReadOnlyList<long> ids, Span<float> destination, Span<bool> found)
        {
            if (ids.Count == 0) return;
            var position = new Dictionary<long, int>(ids.Count);
            for (var i = 0; i < ids.Count; i++) position.TryAdd(ids[i], i);
            using var connection = db.OpenForReading();
            using var reader = connection.ExecuteReader($"""
                SELECT photo_id, vector FROM embeddings
                WHERE model_id = @modelId AND dims = @dims AND photo_id {db.Sql.InList("@ids")}
                """, new { modelId, dims = (long)dims, ids = ids.ToArray() });
            var buffer = ArrayPool<byte>.Shared.Rent(dims * sizeof(float));
            try
            {
                while (reader.Read())
                {
                    if (!position.TryGetValue(reader.GetInt64(0), out var i)) continue;
                    if (reader.GetBytes(1, 0, buffer, 0, dims * sizeof(float)) != dims * sizeof(float)) continue;
                    buffer.AsSpan(0, dims * sizeof(float)).CopyTo(MemoryMarshal.AsBytes(destination.Slice(i * dims, dims)));
                    found[i] = true;
                }
            }
            finally { ArrayPool<byte>.Shared.Return(buffer); }
        }
    }
}
