using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using ImaginAI.Tracker.Cluster;
using ImaginAI.Tracker.Data;
using ImaginAI.Vision.Vectors;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Matching;

/// <summary>
/// One <see cref="VectorIndex"/> per model, over all projects. At start-up it is loaded from its file
/// (data/index/), brought up to date from the <c>embedding_changes</c> log and checked against the database; a
/// missing, stale or damaged file is rebuilt from the database in the background while searches scan exactly.
/// <see cref="VectorIndexMaintenance"/> applies new changes every few hundred milliseconds (so an insert, a
/// re-embedding or a deletion reaches searches within a second, whoever wrote it), builds the k-means partitions
/// off the request path and saves the file.
/// With several nodes each holds its own index: a node that commits vectors tells the others (the
/// <see cref="ClusterBus"/>), which catch up from the change log at once instead of at their next poll. The poll stays
/// the guarantee: a lost message only delays. And the vector count is compared with the database every minute, the
/// index reloaded when they disagree twice running, so whatever a node missed it does not keep missing.
/// </summary>
public sealed partial class VectorIndexRegistry(
    VectorIndexRepository store, IOptions<VectorIndexOptions> options, IOptions<StorageOptions> storage, ClusterBus cluster,
    ILogger<VectorIndexRegistry> logger)
{
    private const int ChangeBatch = 5000;
    private static readonly TimeSpan CountAuditInterval = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, ModelIndex> models = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopping = new();

    /// <summary>Starts loading the model's index in the background; searches scan exactly until it is ready.</summary>
    public Task EnsureLoadedAsync(string modelId, int dims)
    {
        Start(modelId, dims);
        return Task.CompletedTask;
    }

    /// <summary>Completes once the model's index is in memory (loaded from its file or from the database) and caught up.</summary>
    public Task WhenLoadedAsync(string modelId, int dims) => Start(modelId, dims).Loaded.Task;

    /// <summary>Makes a just-committed vector searchable at once (the change log would bring it within a poll anyway).</summary>
    public Task UpsertAsync(long projectId, long photoId, FeatureVector vector)
    {
        Start(vector.ModelId, vector.Dims).Index?.Upsert(photoId, projectId, vector.Values);
        return cluster.SpansNodes ? cluster.PublishAsync(ClusterChannels.EmbeddingsChanged, vector.ModelId) : Task.CompletedTask;
    }

    /// <summary>Applies the change log to the model's index now (another node committed vectors of it).</summary>
    internal async Task CatchUpNowAsync(string modelId)
    {
        if (!models.TryGetValue(modelId, out var model) || !await model.Gate.WaitAsync(0)) return;
        try
        {
            if (model.Index is { } index) await CatchUpAsync(model, index);
        }
        finally { model.Gate.Release(); }
    }

    /// <summary>Forgets a purged photo's vectors, whatever their model (the change log would within a poll anyway).</summary>
    public void RemoveEverywhere(long projectId, long photoId)
    {
        foreach (var model in models.Values) model.Index?.Remove(photoId);
    }

    /// <summary>The vectors of one project, as the matching job sees them.</summary>
    public ProjectVectors Get(long projectId, string modelId, int dims) => new(this, projectId, modelId, dims);

    /// <summary>
    /// The <paramref name="k"/> best photos, exactly scored, among <paramref name="projectIds"/> (all when null)
    /// and those <paramref name="filter"/> keeps.
    /// </summary>
    public IReadOnlyList<VectorHit> Search(string modelId, int dims, ReadOnlySpan<float> query, int k,
        IReadOnlyCollection<long>? projectIds = null, Func<long, bool>? filter = null)
    {
        var model = Start(modelId, dims);
        return model.Index is { } index
            ? index.Search(query, k, projectIds, filter, store.ExactVectors(modelId, dims))
            : store.ExactScan(modelId, dims, query, k, projectIds, filter);
    }

    public float[]? GetVector(long photoId, string modelId, int dims) => store.GetVector(photoId, modelId, dims);

    /// <summary>What a search of the model runs on now.</summary>
    public VectorIndexState GetState(string modelId) =>
        !models.TryGetValue(modelId, out var model) || model.Index is not { } index ? VectorIndexState.ExactScan
        : index.IsPartitioned ? VectorIndexState.Partitioned : VectorIndexState.Scan;

    public string IndexPath(string modelId) =>
        Path.Combine(storage.Value.DataPath, "index", UnsafeFileCharacters().Replace(modelId, "_") + ".vidx");

    /// <summary>One maintenance pass: new changes applied, partitions built when due, the file saved when due.</summary>
    internal async Task MaintainAsync(DateTimeOffset now)
    {
        foreach (var model in models.Values)
        {
            if (!await model.Gate.WaitAsync(0)) continue;
            try
            {
                if (model.Index is not { } index) continue;
                await CatchUpAsync(model, index);
                if (now >= model.NextCountAudit && await AuditCountAsync(model, index, now)) continue;
                var partitioning = model.Partitioning is { IsCompleted: false };
                if (!partitioning && now >= model.NextPartitioning && index.NeedsRebuild)
                    model.Partitioning = Task.Run(() => BuildPartitions(model, index, now));
                else if (!partitioning && model.Dirty && now - model.LastSaved >= TimeSpan.FromSeconds(options.Value.SaveIntervalSeconds))
                    await SaveAsync(model, index, now);
            }
            finally { model.Gate.Release(); }
        }
    }

    /// <summary>Saves every index with unsaved changes (at shutdown) and stops background builds.</summary>
    internal async Task SaveAllAsync(DateTimeOffset now)
    {
        await stopping.CancelAsync();
        foreach (var model in models.Values)
        {
            if (model.Partitioning is { } partitioning) await partitioning;
            await model.Gate.WaitAsync();
            try
            {
                if (model.Index is { } index && model.Dirty) await SaveAsync(model, index, now);
            }
            finally { model.Gate.Release(); }
        }
    }

    private ModelIndex Start(string modelId, int dims)
    {
        var model = models.GetOrAdd(modelId, id => new ModelIndex(id, dims));
        if (Interlocked.Exchange(ref model.Started, 1) == 0) _ = Task.Run(() => LoadAsync(model));
        return model;
    }

    private async Task LoadAsync(ModelIndex model)
    {
        await model.Gate.WaitAsync();
        try
        {
            if (await TryLoadFileAsync(model)) return;
            var clock = Stopwatch.StartNew();
            var index = new VectorIndex(model.ModelId, model.Dims, options.Value.ToSettings());
            var stamp = await Task.Run(() => store.LoadAll(index, stopping.Token));
            model.Applied = stamp;
            model.Dirty = true;
            model.Index = index;
            logger.LogInformation("Read {Count} vectors of model {ModelId} from the database in {Seconds:0.0} s", index.Count, model.ModelId, clock.Elapsed.TotalSeconds);
            await CatchUpAsync(model, index);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "The similarity index of model {ModelId} could not be loaded; searches scan exactly, and loading is retried", model.ModelId);
            Volatile.Write(ref model.Started, 0);
        }
        finally
        {
            model.Gate.Release();
            // Only now: a caller that maintains the index as soon as it is loaded must not find it still held.
            if (model.Index is not null) model.Loaded.TrySetResult();
        }
    }

    /// <summary>Loads the saved file if it is sound and current; otherwise says why (and the caller rebuilds).</summary>
    private async Task<bool> TryLoadFileAsync(ModelIndex model)
    {
        var path = IndexPath(model.ModelId);
        if (!File.Exists(path))
        {
            logger.LogInformation("No similarity index file for model {ModelId} yet; building it from the database", model.ModelId);
            return false;
        }
        string reason;
        try
        {
            var clock = Stopwatch.StartNew();
            var (saved, newest) = await store.GetStampsAsync(model.ModelId);
            var index = await Task.Run(() => VectorIndex.LoadFrom(path, out var stamp, options.Value.ToSettings()) is var loaded ? (loaded, stamp) : default);
            if (index.loaded.ModelId != model.ModelId || index.loaded.Dims != model.Dims)
                reason = "it holds vectors of another model";
            else if (saved != index.stamp || index.stamp > newest)
                reason = $"it is not the file this database last saved (file at change {index.stamp}, database expects {saved?.ToString() ?? "none"}): stale";
            else
            {
                model.Applied = index.stamp;
                await CatchUpAsync(model, index.loaded);
                var expected = await store.CountAsync(model.ModelId);
                if (expected == index.loaded.Count)
                {
                    model.Index = index.loaded;
                    model.Dirty = model.Applied != index.stamp;
                    model.LastSaved = DateTimeOffset.UtcNow;
                    logger.LogInformation("Loaded the similarity index of model {ModelId} ({Count} vectors) from {Path} in {Seconds:0.00} s",
                        model.ModelId, expected, path, clock.Elapsed.TotalSeconds);
                    return true;
                }
                reason = $"it holds {index.loaded.Count} vectors where the database has {expected}: stale";
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            reason = $"it is damaged ({e.Message})";
        }
        logger.LogWarning("The similarity index file {Path} is not used: {Reason}. Rebuilding it from the database; searches scan exactly meanwhile", path, reason);
        return false;
    }

    private async Task CatchUpAsync(ModelIndex model, VectorIndex index)
    {
        while (true)
        {
            var changes = await store.GetChangesAsync(model.ModelId, model.Dims, model.Applied, ChangeBatch);
            foreach (var change in changes)
            {
                Apply(index, model, change);
                model.Applied = change.Seq;
            }
            if (changes.Count < ChangeBatch) return;
        }
    }

    private static void Apply(VectorIndex index, ModelIndex model, EmbeddingChange change)
    {
        if (change is { Vector: { } blob, ProjectId: { } projectId } && blob.Length == model.Dims * sizeof(float))
            index.Upsert(change.PhotoId, projectId, VectorMath.FromBlob(blob));
        else
            index.Remove(change.PhotoId);
        model.Dirty = true;
    }

    /// <summary>
    /// Compares the index's vector count with the database's; when they differ at two audits running (not a commit
    /// in flight), something was missed, and the index is reloaded in the background. True when a reload started.
    /// </summary>
    private async Task<bool> AuditCountAsync(ModelIndex model, VectorIndex index, DateTimeOffset now)
    {
        model.NextCountAudit = now + CountAuditInterval;
        var expected = await store.CountAsync(model.ModelId);
        var differs = expected != index.Count;
        var reload = differs && model.CountDiffered;
        model.CountDiffered = differs && !reload;
        if (!reload) return false;
        logger.LogWarning("The similarity index of model {ModelId} holds {Count} vectors where the database has {Expected}; reloading it", model.ModelId, index.Count, expected);
        _ = Task.Run(() => LoadAsync(model));
        return true;
    }

    private void BuildPartitions(ModelIndex model, VectorIndex index, DateTimeOffset now)
    {
        try
        {
            var clock = Stopwatch.StartNew();
            if (index.BuildPartitions(stopping.Token))
                logger.LogInformation("Partitioned the similarity index of model {ModelId} ({Count} vectors) in {Seconds:0.0} s", model.ModelId, index.Count, clock.Elapsed.TotalSeconds);
            model.Dirty = true;
            model.LastSaved = DateTimeOffset.MinValue;
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the file is saved without partitions and they are built after the next start.
        }
        catch (Exception e)
        {
            logger.LogError(e, "Partitioning the similarity index of model {ModelId} failed; searches scan it whole, and it is tried again in 10 minutes", model.ModelId);
            model.NextPartitioning = now + TimeSpan.FromMinutes(10);
        }
    }

    private async Task SaveAsync(ModelIndex model, VectorIndex index, DateTimeOffset now)
    {
        var path = IndexPath(model.ModelId);
        var stamp = model.Applied;
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await Task.Run(() => index.SaveTo(path, stamp));
        await store.RecordSavedAsync(model.ModelId, stamp);
        model.Dirty = false;
        model.LastSaved = now;
        logger.LogInformation("Saved the similarity index of model {ModelId} ({Count} vectors) in {Seconds:0.00} s", model.ModelId, index.Count, clock.Elapsed.TotalSeconds);
    }

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex UnsafeFileCharacters();

    private sealed class ModelIndex(string modelId, int dims)
    {
        public string ModelId { get; } = modelId;
        public int Dims { get; } = dims;
        /// <summary>Held while loading, applying changes and saving, so the saved stamp matches the saved contents.</summary>
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public TaskCompletionSource Loaded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Started;
        public volatile VectorIndex? Index;
        public long Applied;
        public bool Dirty;
        public DateTimeOffset LastSaved = DateTimeOffset.MinValue;
        public volatile Task? Partitioning;
        public DateTimeOffset NextPartitioning = DateTimeOffset.MinValue;
        public DateTimeOffset NextCountAudit = DateTimeOffset.MinValue;
        public bool CountDiffered;
    }
}

public enum VectorIndexState
{
    /// <summary>Not in memory yet: every vector of the chosen projects is read from the database.</summary>
    ExactScan,
    /// <summary>In memory, not partitioned: the chosen projects' int8 codes are scanned whole.</summary>
    Scan,
    /// <summary>In memory with k-means partitions: a search over most projects visits the nearest partitions.</summary>
    Partitioned,
}

/// <summary>The vectors of one project (the matching job's view).</summary>
public sealed class ProjectVectors(VectorIndexRegistry registry, long projectId, string modelId, int dims)
{
    public IReadOnlyList<VectorHit> Search(ReadOnlySpan<float> query, int k, Func<long, bool>? filter = null) =>
        registry.Search(modelId, dims, query, k, [projectId], filter);

    public bool TryGet(long photoId, out float[] vector)
    {
        vector = registry.GetVector(photoId, modelId, dims) ?? [];
        return vector.Length > 0;
    }
}
