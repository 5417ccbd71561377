using System.Collections.Concurrent;
using Dapper;
using ImaginAI.Tracker.Data;
using ImaginAI.Vision.Vectors;

namespace ImaginAI.Tracker.Matching;

/// <summary>
/// One in-memory <see cref="VectorIndex"/> per project and model, loaded from SQLite once per model (on the
/// matching job's first run at start-up) and kept in step by the embedding job, so matching never re-reads BLOBs.
/// </summary>
public sealed class VectorIndexRegistry(TrackerDb db, ILogger<VectorIndexRegistry> logger)
{
    private readonly ConcurrentDictionary<(long ProjectId, string ModelId), VectorIndex> indexes = new();
    private readonly HashSet<string> loadedModels = [];
    private readonly SemaphoreSlim loading = new(1, 1);

    public async Task EnsureLoadedAsync(string modelId, int dims)
    {
        lock (loadedModels)
            if (loadedModels.Contains(modelId)) return;
        await loading.WaitAsync();
        try
        {
            lock (loadedModels)
                if (loadedModels.Contains(modelId)) return;
            await using var connection = await db.OpenAsync();
            var rows = await connection.QueryAsync<(long PhotoId, long ProjectId, byte[] Vector)>("""
                SELECT e.photo_id, ph.project_id, e.vector
                FROM embeddings e JOIN photos ph ON ph.id = e.photo_id
                WHERE e.model_id = @modelId AND e.dims = @dims
                """, new { modelId, dims });
            var count = 0;
            foreach (var (photoId, projectId, vector) in rows)
            {
                Get(projectId, modelId, dims).Upsert(photoId, VectorMath.FromBlob(vector));
                count++;
            }
            lock (loadedModels) loadedModels.Add(modelId);
            logger.LogInformation("Loaded {Count} vectors of model {ModelId} into the similarity index", count, modelId);
        }
        finally
        {
            loading.Release();
        }
    }

    public async Task UpsertAsync(long projectId, long photoId, FeatureVector vector)
    {
        // Loading first means the load (which already sees this committed vector) cannot be followed by a stale state.
        await EnsureLoadedAsync(vector.ModelId, vector.Dims);
        Get(projectId, vector.ModelId, vector.Dims).Upsert(photoId, vector.Values);
    }

    /// <summary>Forgets a purged photo's vectors, whatever their model.</summary>
    public void RemoveEverywhere(long projectId, long photoId)
    {
        foreach (var ((project, _), index) in indexes)
            if (project == projectId) index.Remove(photoId);
    }

    /// <summary>The project's index for the model (empty when the project has no vector of it yet).</summary>
    public VectorIndex Get(long projectId, string modelId, int dims) =>
        indexes.GetOrAdd((projectId, modelId), key => new VectorIndex(key.ModelId, dims));
}
