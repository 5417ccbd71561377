using System.Numerics.Tensors;

namespace ImaginAI.Vision.Vectors;

/// <summary>A scored hit of a <see cref="VectorIndex"/> search.</summary>
public readonly record struct VectorHit(long Id, float Score);

/// <summary>
/// In-memory index of unit vectors of one model, searched by dot product (cosine). Thread-safe for concurrent
/// reads and writes.
/// </summary>
/// <remarks>
/// Vectors live in one contiguous float array (row i at i * Dims) so a search is a linear scan that stays in
/// cache order; removal moves the last row into the hole, keeping the storage dense.
/// </remarks>
public sealed class VectorIndex(string modelId, int dims)
{
    private readonly ReaderWriterLockSlim gate = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<long, int> rowOfId = [];
    private long[] idOfRow = new long[16];
    private float[] storage = new float[16 * Math.Max(dims, 1)];
    private int count;

    public string ModelId { get; } = !string.IsNullOrEmpty(modelId) ? modelId : throw new ArgumentException("A model id is required.", nameof(modelId));
    public int Dims { get; } = dims > 0 ? dims : throw new ArgumentOutOfRangeException(nameof(dims), dims, "Dimensions must be positive.");

    public int Count
    {
        get
        {
            gate.EnterReadLock();
            try { return count; }
            finally { gate.ExitReadLock(); }
        }
    }

    /// <summary>Adds or replaces the vector stored under <paramref name="id"/>.</summary>
    public void Upsert(long id, ReadOnlySpan<float> unitVector)
    {
        CheckLength(unitVector.Length);
        gate.EnterWriteLock();
        try
        {
            if (!rowOfId.TryGetValue(id, out var row))
            {
                row = count++;
                EnsureCapacity(count);
                rowOfId[id] = row;
                idOfRow[row] = id;
            }
            unitVector.CopyTo(storage.AsSpan(row * Dims, Dims));
        }
        finally { gate.ExitWriteLock(); }
    }

    /// <summary>Adds or replaces a feature vector; throws when it comes from another model.</summary>
    public void Upsert(long id, FeatureVector vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        CheckModel(vector.ModelId);
        Upsert(id, vector.Values);
    }

    public bool Remove(long id)
    {
        gate.EnterWriteLock();
        try
        {
            if (!rowOfId.Remove(id, out var row)) return false;
            var last = --count;
            if (row != last)
            {
                storage.AsSpan(last * Dims, Dims).CopyTo(storage.AsSpan(row * Dims, Dims));
                var movedId = idOfRow[last];
                idOfRow[row] = movedId;
                rowOfId[movedId] = row;
            }
            return true;
        }
        finally { gate.ExitWriteLock(); }
    }

    public bool TryGet(long id, out float[] vector)
    {
        gate.EnterReadLock();
        try
        {
            if (rowOfId.TryGetValue(id, out var row))
            {
                vector = storage.AsSpan(row * Dims, Dims).ToArray();
                return true;
            }
            vector = [];
            return false;
        }
        finally { gate.ExitReadLock(); }
    }

    /// <summary>The <paramref name="k"/> most similar vectors, best first, among those <paramref name="filter"/> keeps.</summary>
    public IReadOnlyList<VectorHit> Search(ReadOnlySpan<float> query, int k, Func<long, bool>? filter = null)
    {
        CheckLength(query.Length);
        if (k <= 0) return [];
        // A min-heap of the best k so far: its root is the weakest hit, the one to evict.
        var best = new PriorityQueue<VectorHit, (float Score, long NegatedId)>(k + 1);
        gate.EnterReadLock();
        try
        {
            for (var row = 0; row < count; row++)
            {
                var id = idOfRow[row];
                if (filter is not null && !filter(id)) continue;
                var score = TensorPrimitives.Dot(query, storage.AsSpan(row * Dims, Dims));
                // Ties go to the lower id so results are stable whatever the storage order.
                var priority = (score, -id);
                if (best.Count < k) best.Enqueue(new VectorHit(id, score), priority);
                else if (best.TryPeek(out _, out var weakest) && priority.CompareTo(weakest) > 0)
                    best.EnqueueDequeue(new VectorHit(id, score), priority);
            }
        }
        finally { gate.ExitReadLock(); }

        var hits = new VectorHit[best.Count];
        for (var i = hits.Length - 1; i >= 0; i--) hits[i] = best.Dequeue();
        return hits;
    }

    /// <summary>The best hits for a feature vector; throws when it comes from another model.</summary>
    public IReadOnlyList<VectorHit> Search(FeatureVector query, int k, Func<long, bool>? filter = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckModel(query.ModelId);
        return Search(query.Values, k, filter);
    }

    private void EnsureCapacity(int rows)
    {
        if (rows <= idOfRow.Length) return;
        var capacity = Math.Max(rows, idOfRow.Length * 2);
        Array.Resize(ref idOfRow, capacity);
        Array.Resize(ref storage, capacity * Dims);
    }

    private void CheckLength(int length)
    {
        if (length != Dims)
            throw new ArgumentException($"This index holds {Dims}-dimensional vectors of model '{ModelId}'; got {length} values.");
    }

    private void CheckModel(string otherModelId)
    {
        if (!string.Equals(otherModelId, ModelId, StringComparison.Ordinal))
            throw new ArgumentException($"This index holds vectors of model '{ModelId}', not '{otherModelId}'.");
    }
}
