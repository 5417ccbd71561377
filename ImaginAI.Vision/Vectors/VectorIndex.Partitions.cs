using System.Numerics.Tensors;

namespace ImaginAI.Vision.Vectors;

public sealed partial class VectorIndex
{
    private const int SamplePerCell = 40;
    private const int KMeansIterations = 8;

    /// <summary>
    /// Trains k-means cells (√n of them) on a sample and files every live vector under its nearest cell, on a
    /// snapshot and over all cores, while searches and writes go on; vectors added meanwhile are filed when the
    /// cells are installed. Returns false when the index is too small to need cells.
    /// </summary>
    public bool BuildPartitions(CancellationToken cancellationToken = default)
    {
        sbyte[][] snapshotBlocks;
        float[] snapshotScales;
        int[] liveRows;
        int snapshotRows;
        gate.EnterReadLock();
        try
        {
            if (live < Settings.MinVectorsForPartitions) return false;
            snapshotBlocks = blocks;
            snapshotScales = scales;
            snapshotRows = rows;
            liveRows = Enumerable.Range(0, rows).Where(r => slotOfRow[r] >= 0).ToArray();
        }
        finally { gate.ExitReadLock(); }

        var cellCount = Math.Clamp((int)Math.Round(Math.Sqrt(liveRows.Length)), 16, 4096);
        var centroids = TrainCentroids(snapshotBlocks, snapshotScales, liveRows, cellCount, cancellationToken);
        var (levels, levelScales) = CentroidLevels(centroids, cellCount);

        var assignment = new int[liveRows.Length];
        var options = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount };
        Parallel.For(0, (liveRows.Length + 4095) / 4096, options, chunk =>
        {
            for (var i = chunk * 4096; i < Math.Min(liveRows.Length, (chunk + 1) * 4096); i++)
                assignment[i] = NearestLevel(levels, levelScales, RowCodes(snapshotBlocks, liveRows[i], Dims));
        });

        gate.EnterWriteLock();
        try
        {
            var built = new Cells(centroids, Dims, liveRows.Length);
            for (var i = 0; i < liveRows.Length; i++)
                if (slotOfRow[liveRows[i]] >= 0) FileRow(built, liveRows[i], assignment[i]);
            // Rows appended while training, after the snapshot.
            for (var row = snapshotRows; row < rows; row++)
                if (slotOfRow[row] >= 0) FileRow(built, row, NearestLevel(levels, levelScales, RowCodes(blocks, row, Dims)));
            cells = built;
        }
        finally { gate.ExitWriteLock(); }
        return true;
    }

    private void FileRow(Cells into, int row, int cell)
    {
        into.Add(row, cell);
        cellOfRow[row] = cell;
    }

    /// <summary>Spherical k-means on a strided sample of the live vectors (dequantised from their codes).</summary>
    private float[] TrainCentroids(sbyte[][] source, float[] rowScales, int[] liveRows, int cellCount, CancellationToken cancellationToken)
    {
        var sampleSize = Math.Min(liveRows.Length, cellCount * SamplePerCell);
        var sample = new float[(long)sampleSize * Dims];
        for (var i = 0; i < sampleSize; i++)
        {
            var row = liveRows[(int)((long)i * liveRows.Length / sampleSize)];
            var into = sample.AsSpan(i * Dims, Dims);
            var codes = RowCodes(source, row, Dims);
            for (var d = 0; d < Dims; d++) into[d] = codes[d] * rowScales[row];
            VectorMath.NormalizeInPlace(into);
        }

        var random = new Random(cellCount);
        var centroids = new float[cellCount * Dims];
        var seeds = Enumerable.Range(0, sampleSize).OrderBy(_ => random.Next()).Take(cellCount).ToArray();
        for (var c = 0; c < cellCount; c++) sample.AsSpan(seeds[c % seeds.Length] * Dims, Dims).CopyTo(centroids.AsSpan(c * Dims, Dims));

        var nearest = new int[sampleSize];
        var options = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount };
        for (var iteration = 0; iteration < KMeansIterations; iteration++)
        {
            Parallel.For(0, sampleSize, options, i =>
            {
                var vector = sample.AsSpan(i * Dims, Dims);
                var (best, bestScore) = (0, float.NegativeInfinity);
                for (var c = 0; c < cellCount; c++)
                {
                    var score = TensorPrimitives.Dot(vector, centroids.AsSpan(c * Dims, Dims));
                    if (score > bestScore) (best, bestScore) = (c, score);
                }
                nearest[i] = best;
            });
            Array.Clear(centroids);
            var members = new int[cellCount];
            for (var i = 0; i < sampleSize; i++)
            {
                TensorPrimitives.Add(centroids.AsSpan(nearest[i] * Dims, Dims), sample.AsSpan(i * Dims, Dims), centroids.AsSpan(nearest[i] * Dims, Dims));
                members[nearest[i]]++;
            }
            for (var c = 0; c < cellCount; c++)
            {
                // An empty cell restarts from a random sample vector rather than staying a zero vector nothing nears.
                if (members[c] == 0) sample.AsSpan(random.Next(sampleSize) * Dims, Dims).CopyTo(centroids.AsSpan(c * Dims, Dims));
                VectorMath.NormalizeInPlace(centroids.AsSpan(c * Dims, Dims));
            }
        }
        return centroids;
    }

    private (short[] Levels, float[] Scales) CentroidLevels(float[] centroids, int cellCount)
    {
        var levels = new short[centroids.Length];
        var levelScales = new float[cellCount];
        for (var c = 0; c < cellCount; c++)
            levelScales[c] = Int8Codes.QuantizeQuery(centroids.AsSpan(c * Dims, Dims), levels.AsSpan(c * Dims, Dims));
        return (levels, levelScales);
    }

    private int NearestLevel(short[] levels, float[] levelScales, ReadOnlySpan<sbyte> codes)
    {
        var (best, bestScore) = (0, float.NegativeInfinity);
        for (var c = 0; c < levelScales.Length; c++)
        {
            var score = Int8Codes.Dot(levels.AsSpan(c * Dims, Dims), codes) * levelScales[c];
            if (score > bestScore) (best, bestScore) = (c, score);
        }
        return best;
    }
}
