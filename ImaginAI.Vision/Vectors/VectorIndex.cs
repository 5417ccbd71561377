using System.Buffers;
using System.Numerics.Tensors;

namespace ImaginAI.Vision.Vectors;

/// <summary>A scored hit of a <see cref="VectorIndex"/> search.</summary>
public readonly record struct VectorHit(long Id, float Score);

/// <summary>Where the exact float32 vectors of a shortlist come from for the final re-rank (memory or a database).</summary>
public interface IExactVectorSource
{
    /// <summary>
    /// Copies the vector of each id into <paramref name="destination"/> (row i at i × dims) and sets
    /// <paramref name="found"/>[i]; an id without a vector (deleted meanwhile) is left unset.
    /// </summary>
    void Read(IReadOnlyList<long> ids, Span<float> destination, Span<bool> found);
}

/// <summary>How a <see cref="VectorIndex"/> searches; the defaults are the ones docs/BENCHMARKS.md measured.</summary>
public sealed record VectorIndexSettings
{
    /// <summary>Approximate hits re-ranked exactly (at least twice k).</summary>
    public int Shortlist { get; init; } = 40;

    /// <summary>Below this many live vectors no partitions are built: a scan is already fast.</summary>
    public int MinVectorsForPartitions { get; init; } = 20_000;

    /// <summary>Share of the partitions (k-means cells) a search over most of the index visits.</summary>
    public double ProbeFraction { get; init; } = 0.04;

    /// <summary>Fewest partitions a partitioned search visits.</summary>
    public int MinProbe { get; init; } = 8;

    /// <summary>
    /// A search whose projects hold less than this share of the vectors scans their rows (and nothing else) rather
    /// than visiting partitions.
    /// </summary>
    public double PartitionedSearchShare { get; init; } = 0.5;

    /// <summary>Rows a search scans before it splits the scan over the cores.</summary>
    public int ParallelRows { get; init; } = 65_536;
}

/// <summary>
/// The similarity index of one model: unit vectors as int8 codes (a quarter of float32), grouped by project so a
/// search within some projects scans only their rows, and, once <see cref="BuildPartitions"/> has run, split into
/// k-means partitions (IVF) so a search over everything visits only the partitions nearest the query. Every search
/// ends with an exact float32 re-rank of its shortlist, read from an <see cref="IExactVectorSource"/>.
/// Thread-safe for concurrent searches and writes; <see cref="BuildPartitions"/> and <see cref="Save"/> work on a
/// snapshot, so neither holds writers up for long.
/// </summary>
/// <remarks>
/// Rows are only ever appended (a removal or a changed vector leaves a dead row behind, dropped by the next save
/// and load), so a row's codes never change once written and snapshots can read them without a lock. Codes live in
/// blocks of <see cref="BlockRows"/> rows: no single array grows with the index, so there is no
/// rows × dims overflow at any size.
/// </remarks>
public sealed partial class VectorIndex
{
    private const int BlockRows = 1024;
    private static readonly int[] NoRows = [];

    private readonly ReaderWriterLockSlim gate = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<long, int> rowOfId = [];
    private readonly Dictionary<long, int> slotOfPartition = [];
    private readonly List<Partition> partitions = [];
    private sbyte[][] blocks = [];
    private long[] ids = new long[BlockRows];
    private float[] scales = new float[BlockRows];
    private int[] slotOfRow = new int[BlockRows];
    private int[] cellOfRow = new int[BlockRows];
    private int rows;
    private int live;
    private Cells? cells;

    public VectorIndex(string modelId, int dims, VectorIndexSettings? settings = null)
    {
        ModelId = !string.IsNullOrEmpty(modelId) ? modelId : throw new ArgumentException("A model id is required.", nameof(modelId));
        Dims = dims > 0 ? dims : throw new ArgumentOutOfRangeException(nameof(dims), dims, "Dimensions must be positive.");
        Settings = settings ?? new VectorIndexSettings();
    }

    public string ModelId { get; }
    public int Dims { get; }
    public VectorIndexSettings Settings { get; }

    /// <summary>Live vectors.</summary>
    public int Count => Read(() => live);

    /// <summary>Whether k-means partitions exist (a search over most of the index visits only some of them).</summary>
    public bool IsPartitioned => Read(() => cells is not null);

    /// <summary>
    /// True when the index is big enough for partitions and has none, or has grown to twice the size its partitions
    /// were trained on: time for a background <see cref="BuildPartitions"/>. (Dead rows are dropped by a save and load.)
    /// </summary>
    public bool NeedsRebuild => Read(() =>
        (cells is null && live >= Settings.MinVectorsForPartitions) || (cells is { } c && live > 2 * c.TrainedRows));

    /// <summary>Bytes held by codes, ids, scales, project rows and partitions (what the index costs in memory).</summary>
    public long MemoryBytes => Read(() =>
    {
        long bytes = (long)blocks.Count(b => b is not null) * BlockRows * Dims;
        bytes += (long)ids.Length * (sizeof(long) + sizeof(float) + 2 * sizeof(int));
        bytes += partitions.Sum(p => (long)p.Rows.Length * sizeof(int));
        bytes += (long)rowOfId.Count * 24 + (long)slotOfPartition.Count * 24;
        if (cells is { } c) bytes += (long)c.Centroids.Length * sizeof(float) + c.Members.Sum(m => (long)m.Length * sizeof(int));
        return bytes;
    });

    public bool Contains(long id) => Read(() => rowOfId.ContainsKey(id));

    /// <summary>Live vectors of one project.</summary>
    public int CountInPartition(long partition) =>
        Read(() => slotOfPartition.TryGetValue(partition, out var slot) ? partitions[slot].Live : 0);

    /// <summary>Adds or replaces the vector stored under <paramref name="id"/>, in project <paramref name="partition"/>.</summary>
    public void Upsert(long id, long partition, ReadOnlySpan<float> unitVector)
    {
        CheckLength(unitVector.Length);
        var codes = ArrayPool<sbyte>.Shared.Rent(Dims);
        try
        {
            var scale = Int8Codes.Quantize(unitVector, codes.AsSpan(0, Dims));
            gate.EnterWriteLock();
            try
            {
                if (rowOfId.TryGetValue(id, out var old))
                {
                    if (partitions[slotOfRow[old]].Key == partition && scales[old] == scale && RowCodes(blocks, old, Dims).SequenceEqual(codes.AsSpan(0, Dims)))
                        return;
                    Kill(old);
                }
                var row = Append(id, partition, codes.AsSpan(0, Dims), scale);
                if (cells is { } c) FileRow(c, row, c.Nearest(unitVector));
            }
            finally { gate.ExitWriteLock(); }
        }
        finally { ArrayPool<sbyte>.Shared.Return(codes); }
    }

    public bool Remove(long id)
    {
        gate.EnterWriteLock();
        try
        {
            if (!rowOfId.TryGetValue(id, out var row)) return false;
            Kill(row);
            return true;
        }
        finally { gate.ExitWriteLock(); }
    }

    /// <summary>
    /// The <paramref name="k"/> most similar vectors, best first, with exact float32 scores, among the given
    /// projects (all when null) and those <paramref name="filter"/> keeps. Without an exact source the scores are
    /// the int8 estimates.
    /// </summary>
    public IReadOnlyList<VectorHit> Search(ReadOnlySpan<float> query, int k, IReadOnlyCollection<long>? projects = null,
        Func<long, bool>? filter = null, IExactVectorSource? exact = null)
    {
        CheckLength(query.Length);
        if (k <= 0) return [];
        var depth = Math.Max(Settings.Shortlist, 2 * k);
        var levels = ArrayPool<short>.Shared.Rent(Dims);
        List<(long Id, float Score)> shortlist;
        float queryScale;
        try
        {
            queryScale = Int8Codes.QuantizeQuery(query, levels.AsSpan(0, Dims));
            gate.EnterReadLock();
            try
            {
                var plan = Plan(query, projects);
                shortlist = Scan(plan, levels, depth, filter);
            }
            finally { gate.ExitReadLock(); }
        }
        finally { ArrayPool<short>.Shared.Return(levels); }

        if (exact is null)
            return Best(shortlist.Select(s => new VectorHit(s.Id, s.Score * queryScale)), k);
        var shortIds = shortlist.Select(s => s.Id).ToList();
        var vectors = ArrayPool<float>.Shared.Rent(Math.Max(1, shortIds.Count * Dims));
        var found = new bool[shortIds.Count];
        try
        {
            exact.Read(shortIds, vectors.AsSpan(0, shortIds.Count * Dims), found);
            var hits = new List<VectorHit>(shortIds.Count);
            for (var i = 0; i < shortIds.Count; i++)
                if (found[i]) hits.Add(new VectorHit(shortIds[i], TensorPrimitives.Dot(query, vectors.AsSpan(i * Dims, Dims))));
            return Best(hits, k);
        }
        finally { ArrayPool<float>.Shared.Return(vectors); }
    }

    /// <summary>The best hits for a feature vector; throws when it comes from another model.</summary>
    public IReadOnlyList<VectorHit> Search(FeatureVector query, int k, IReadOnlyCollection<long>? projects = null,
        Func<long, bool>? filter = null, IExactVectorSource? exact = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckModel(query.ModelId);
        return Search(query.Values, k, projects, filter, exact);
    }

    // Ties go to the lower id so results are stable whatever the storage order.
    private static VectorHit[] Best(IEnumerable<VectorHit> hits, int k) =>
        hits.OrderByDescending(h => h.Score).ThenBy(h => h.Id).Take(k).ToArray();

    /// <summary>The row lists to scan, and which projects count within them (null: every row in them counts).</summary>
    private (IReadOnlyList<int[]> Lists, IReadOnlyList<int> Lengths, bool[]? Slots) Plan(ReadOnlySpan<float> query, IReadOnlyCollection<long>? projects)
    {
        bool[]? slots = null;
        var selected = live;
        if (projects is not null)
        {
            slots = new bool[partitions.Count];
            selected = 0;
            foreach (var project in projects)
                if (slotOfPartition.TryGetValue(project, out var slot) && !slots[slot])
                {
                    slots[slot] = true;
                    selected += partitions[slot].Live;
                }
        }
        if (cells is { } c && selected >= Settings.MinVectorsForPartitions && selected >= Settings.PartitionedSearchShare * live)
        {
            // Cells are visited nearest first until the share of rows is reached, not a fixed number of cells: k-means
            // cells of real data are uneven, and the big ones tend to be the ones nearest a query.
            var budget = Settings.ProbeFraction * rows;
            var visited = new List<int>();
            long scanned = 0;
            foreach (var cell in c.Nearest(query, c.Count.Length))
            {
                if (visited.Count >= Settings.MinProbe && scanned >= budget) break;
                visited.Add(cell);
                scanned += c.Count[cell];
            }
            return (visited.Select(cell => c.Members[cell]).ToList(), visited.Select(cell => c.Count[cell]).ToList(), selected == live ? null : slots);
        }
        if (slots is null)
            return (partitions.Select(p => p.Rows).ToList(), partitions.Select(p => p.Count).ToList(), null);
        var chosen = Enumerable.Range(0, partitions.Count).Where(s => slots[s]).Select(s => partitions[s]).ToList();
        return (chosen.Select(p => p.Rows).ToList(), chosen.Select(p => p.Count).ToList(), null);
    }

    private List<(long Id, float Score)> Scan((IReadOnlyList<int[]> Lists, IReadOnlyList<int> Lengths, bool[]? Slots) plan,
        short[] levels, int depth, Func<long, bool>? filter)
    {
        var total = plan.Lengths.Sum();
        // Chunks of list ranges, so two cores can share one big project as well as many small ones.
        var chunks = new List<(int List, int Start, int End)>();
        var chunkRows = total > Settings.ParallelRows ? Math.Max(4096, total / (4 * Environment.ProcessorCount)) : int.MaxValue;
        for (var l = 0; l < plan.Lists.Count; l++)
            for (var start = 0; start < plan.Lengths[l]; start += chunkRows)
                chunks.Add((l, start, (int)Math.Min(plan.Lengths[l], (long)start + chunkRows)));

        var found = new List<(long, float)>();
        if (total <= Settings.ParallelRows || Environment.ProcessorCount == 1)
        {
            var heap = new PriorityQueue<int, (float, long)>(depth + 1);
            foreach (var chunk in chunks) ScanChunk(plan.Lists[chunk.List].AsSpan(chunk.Start, chunk.End - chunk.Start), plan.Slots, levels, depth, filter, heap);
            Drain(heap, found);
            return found;
        }
        var heaps = new PriorityQueue<int, (float, long)>[Environment.ProcessorCount];
        Parallel.For(0, heaps.Length, new ParallelOptions { MaxDegreeOfParallelism = heaps.Length }, worker =>
        {
            var heap = heaps[worker] = new PriorityQueue<int, (float, long)>(depth + 1);
            for (var i = worker; i < chunks.Count; i += heaps.Length)
                ScanChunk(plan.Lists[chunks[i].List].AsSpan(chunks[i].Start, chunks[i].End - chunks[i].Start), plan.Slots, levels, depth, filter, heap);
        });
        foreach (var heap in heaps) Drain(heap, found);
        return found.OrderByDescending(f => f.Item2).Take(depth).ToList();
    }

    private void Drain(PriorityQueue<int, (float Score, long NegatedId)> heap, List<(long, float)> into)
    {
        while (heap.TryDequeue(out var row, out var priority)) into.Add((ids[row], priority.Score));
    }

    private void ScanChunk(ReadOnlySpan<int> rowList, bool[]? slots, short[] levels, int depth, Func<long, bool>? filter,
        PriorityQueue<int, (float Score, long NegatedId)> heap)
    {
        var query = levels.AsSpan(0, Dims);
        var weakest = float.NegativeInfinity;
        foreach (var row in rowList)
        {
            var slot = slotOfRow[row];
            if (slot < 0 || (slots is not null && !slots[slot])) continue;
            if (filter is not null && !filter(ids[row])) continue;
            var score = Int8Codes.Dot(query, RowCodes(blocks, row, Dims)) * scales[row];
            if (heap.Count >= depth && score < weakest) continue;
            var priority = (score, -ids[row]);
            if (heap.Count < depth) heap.Enqueue(row, priority);
            else if (heap.TryPeek(out _, out var least) && priority.CompareTo(least) > 0) heap.EnqueueDequeue(row, priority);
            if (heap.Count >= depth && heap.TryPeek(out _, out var root)) weakest = root.Score;
        }
    }

    private static ReadOnlySpan<sbyte> RowCodes(sbyte[][] blocks, int row, int dims) =>
        blocks[row / BlockRows].AsSpan(row % BlockRows * dims, dims);

    private int Append(long id, long partition, ReadOnlySpan<sbyte> codes, float scale)
    {
        var row = rows;
        if (row / BlockRows >= blocks.Length) Array.Resize(ref blocks, Math.Max(4, blocks.Length * 2));
        blocks[row / BlockRows] ??= new sbyte[BlockRows * Dims];
        if (row >= ids.Length)
        {
            var capacity = (int)Math.Min(Array.MaxLength, 2L * ids.Length);
            if (capacity <= row) throw new InvalidOperationException("The similarity index is full.");
            Array.Resize(ref ids, capacity);
            Array.Resize(ref scales, capacity);
            Array.Resize(ref slotOfRow, capacity);
            Array.Resize(ref cellOfRow, capacity);
        }
        codes.CopyTo(blocks[row / BlockRows].AsSpan(row % BlockRows * Dims, Dims));
        if (!slotOfPartition.TryGetValue(partition, out var slot))
        {
            slot = slotOfPartition[partition] = partitions.Count;
            partitions.Add(new Partition(partition));
        }
        partitions[slot].Add(row);
        ids[row] = id;
        scales[row] = scale;
        slotOfRow[row] = slot;
        cellOfRow[row] = -1;
        rowOfId[id] = row;
        rows++;
        live++;
        return row;
    }

    private void Kill(int row)
    {
        rowOfId.Remove(ids[row]);
        partitions[slotOfRow[row]].Live--;
        slotOfRow[row] = -1;
        live--;
    }

    private T Read<T>(Func<T> read)
    {
        gate.EnterReadLock();
        try { return read(); }
        finally { gate.ExitReadLock(); }
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

    /// <summary>The rows of one project (dead ones included until the next load).</summary>
    private sealed class Partition(long key)
    {
        public long Key { get; } = key;
        public int[] Rows { get; private set; } = NoRows;
        public int Count { get; private set; }
        public int Live { get; set; }

        public void Add(int row)
        {
            if (Count == Rows.Length) Rows = Rows.Length == 0 ? new int[16] : GrowTo(Rows, Rows.Length * 2);
            Rows[Count++] = row;
            Live++;
        }
    }

    private static int[] GrowTo(int[] array, int length)
    {
        var grown = new int[length];
        array.CopyTo(grown, 0);
        return grown;
    }

    /// <summary>k-means cells: unit centroids and the rows nearest each.</summary>
    private sealed class Cells(float[] centroids, int dims, int trainedRows)
    {
        public float[] Centroids { get; } = centroids;
        public int[][] Members { get; } = Enumerable.Range(0, centroids.Length / dims).Select(_ => NoRows).ToArray();
        public int[] Count { get; } = new int[centroids.Length / dims];
        public int TrainedRows { get; } = trainedRows;

        public void Add(int row, int cell)
        {
            if (Count[cell] == Members[cell].Length) Members[cell] = GrowTo(Members[cell], Math.Max(16, Members[cell].Length * 2));
            Members[cell][Count[cell]++] = row;
        }

        public int Nearest(ReadOnlySpan<float> vector) => Nearest(vector, 1)[0];

        public int[] Nearest(ReadOnlySpan<float> vector, int n)
        {
            var scores = new float[Count.Length];
            for (var c = 0; c < scores.Length; c++) scores[c] = TensorPrimitives.Dot(vector, Centroids.AsSpan(c * dims, dims));
            var order = Enumerable.Range(0, scores.Length).ToArray();
            Array.Sort(scores.Select(s => -s).ToArray(), order);
            return order[..Math.Min(n, order.Length)];
        }
    }
}
