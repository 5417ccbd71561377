using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace ImaginAI.Vision.Vectors;

public sealed partial class VectorIndex
{
    private static readonly byte[] Magic = "IMGAIVX1"u8.ToArray();
    private const int FormatVersion = 1;
    private const int MaxDims = 1 << 16;

    /// <summary>
    /// Saves the index to <paramref name="path"/> atomically: written to a temporary file beside it, flushed to disk,
    /// then renamed over the old one, so a crash mid-write leaves the previous file (or none), never a torn one.
    /// </summary>
    /// <param name="path">The index file.</param>
    /// <param name="stamp">What the caller needs to know how current the file is (e.g. the last change it holds).</param>
    public void SaveTo(string path, long stamp)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Save(file, stamp);
                file.Flush(flushToDisk: true);
            }
            System.IO.File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            System.IO.File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Loads a file written by <see cref="SaveTo"/>; throws <see cref="InvalidDataException"/> when it is damaged.</summary>
    public static VectorIndex LoadFrom(string path, out long stamp, VectorIndexSettings? settings = null)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Load(file, out stamp, settings);
    }

    /// <summary>Writes the live vectors, their projects and the cells, with a checksum at the end.</summary>
    public void Save(Stream stream, long stamp)
    {
        sbyte[][] snapshotBlocks;
        long[] snapshotIds;
        float[] snapshotScales;
        int[] liveRows;
        int[] cellOf;
        long[] keyOfSlot;
        Cells? snapshotCells;
        gate.EnterReadLock();
        try
        {
            snapshotBlocks = blocks;
            snapshotIds = ids;
            snapshotScales = scales;
            liveRows = Enumerable.Range(0, rows).Where(r => slotOfRow[r] >= 0).ToArray();
            cellOf = liveRows.Select(r => cellOfRow[r]).ToArray();
            keyOfSlot = partitions.Select(p => p.Key).ToArray();
            var slots = liveRows.Select(r => slotOfRow[r]).ToArray();
            keyOfSlot = slots.Select(s => keyOfSlot[s]).ToArray();
            snapshotCells = cells;
        }
        finally { gate.ExitReadLock(); }

        var writer = new HashedWriter(stream);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        var model = Encoding.UTF8.GetBytes(ModelId);
        writer.Write(model.Length);
        writer.Write(model);
        writer.Write(Dims);
        writer.Write(stamp);
        writer.Write(liveRows.Length);
        writer.Write(snapshotCells?.Count.Length ?? 0);
        writer.Write(snapshotCells?.TrainedRows ?? 0);
        writer.Write<long>(liveRows.Select(r => snapshotIds[r]).ToArray());
        writer.Write<long>(keyOfSlot);
        writer.Write<float>(liveRows.Select(r => snapshotScales[r]).ToArray());
        writer.Write<int>(cellOf);
        foreach (var row in liveRows) writer.Write(RowCodes(snapshotBlocks, row, Dims));
        if (snapshotCells is not null) writer.Write<float>(snapshotCells.Centroids);
        writer.Finish();
    }

    /// <summary>Reads what <see cref="Save"/> wrote; throws <see cref="InvalidDataException"/> when it is damaged.</summary>
    public static VectorIndex Load(Stream stream, out long stamp, VectorIndexSettings? settings = null)
    {
        try
        {
            var reader = new HashedReader(stream);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic) || reader.Read<int>() != FormatVersion)
                throw new InvalidDataException("This is not a similarity index file of this version.");
            var modelLength = reader.Read<int>();
            if (modelLength is <= 0 or > 4096) throw new InvalidDataException("The index file's model id is damaged.");
            var modelId = Encoding.UTF8.GetString(reader.ReadBytes(modelLength));
            var dims = reader.Read<int>();
            stamp = reader.Read<long>();
            var count = reader.Read<int>();
            var cellCount = reader.Read<int>();
            var trainedRows = reader.Read<int>();
            if (dims is <= 0 or > MaxDims || count < 0 || cellCount < 0 || cellCount > count + 1 || trainedRows < 0)
                throw new InvalidDataException("The index file's header is damaged.");
            if (stream.CanSeek && stream.Length != stream.Position + (long)count * (8 + 8 + 4 + 4 + dims) + (long)cellCount * dims * 4 + 8)
                throw new InvalidDataException("The index file has the wrong length: it was cut short or written by something else.");

            var index = new VectorIndex(modelId, dims, settings);
            var capacity = Math.Max(BlockRows, count);
            index.ids = new long[capacity];
            index.scales = new float[capacity];
            index.slotOfRow = new int[capacity];
            index.cellOfRow = new int[capacity];
            var keys = new long[count];
            reader.Read(index.ids.AsSpan(0, count));
            reader.Read(keys.AsSpan());
            reader.Read(index.scales.AsSpan(0, count));
            reader.Read(index.cellOfRow.AsSpan(0, count));
            index.blocks = new sbyte[Math.Max(4, (count + BlockRows - 1) / BlockRows)][];
            for (var start = 0; start < count; start += BlockRows)
            {
                var block = index.blocks[start / BlockRows] = new sbyte[BlockRows * dims];
                reader.Read(block.AsSpan(0, Math.Min(BlockRows, count - start) * dims));
            }
            var centroids = new float[cellCount * dims];
            reader.Read(centroids.AsSpan());
            reader.Finish();

            index.rowOfId.EnsureCapacity(count);
            var built = cellCount > 0 ? new Cells(centroids, dims, trainedRows) : null;
            for (var row = 0; row < count; row++)
            {
                if (!index.slotOfPartition.TryGetValue(keys[row], out var slot))
                {
                    slot = index.slotOfPartition[keys[row]] = index.partitions.Count;
                    index.partitions.Add(new Partition(keys[row]));
                }
                index.partitions[slot].Add(row);
                index.slotOfRow[row] = slot;
                if (!index.rowOfId.TryAdd(index.ids[row], row)) throw new InvalidDataException("The index file holds a photo twice.");
                var cell = index.cellOfRow[row];
                if (built is not null)
                {
                    if (cell < 0 || cell >= cellCount) throw new InvalidDataException("The index file's partitions are damaged.");
                    built.Add(row, cell);
                }
                else index.cellOfRow[row] = -1;
            }
            index.rows = index.live = count;
            index.cells = built;
            return index;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The index file ends early.", e);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException("The index file is damaged: " + e.Message, e);
        }
    }

    /// <summary>Writes through to the stream and keeps an XxHash64 of everything written (little-endian machines).</summary>
    private sealed class HashedWriter(Stream stream)
    {
        private readonly XxHash64 hash = new();

        public void Write(ReadOnlySpan<byte> bytes)
        {
            hash.Append(bytes);
            stream.Write(bytes);
        }

        public void Write<T>(ReadOnlySpan<T> values) where T : unmanaged => Write(MemoryMarshal.AsBytes(values));

        public void Write(ReadOnlySpan<sbyte> values) => Write(MemoryMarshal.AsBytes(values));

        public void Write<T>(T value) where T : unmanaged => Write(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)));

        public void Finish() => stream.Write(hash.GetCurrentHash());
    }

    private sealed class HashedReader(Stream stream)
    {
        private readonly XxHash64 hash = new();

        public void Read<T>(Span<T> into) where T : unmanaged
        {
            var bytes = MemoryMarshal.AsBytes(into);
            stream.ReadExactly(bytes);
            hash.Append(bytes);
        }

        public byte[] ReadBytes(int count)
        {
            var bytes = new byte[count];
            Read<byte>(bytes);
            return bytes;
        }

        public T Read<T>() where T : unmanaged
        {
            T value = default;
            Read(MemoryMarshal.CreateSpan(ref value, 1));
            return value;
        }

        public void Finish()
        {
            var expected = hash.GetCurrentHash();
            var stored = new byte[expected.Length];
            stream.ReadExactly(stored);
            if (!stored.AsSpan().SequenceEqual(expected)) throw new InvalidDataException("The index file's checksum does not match: it is damaged.");
        }
    }
}
