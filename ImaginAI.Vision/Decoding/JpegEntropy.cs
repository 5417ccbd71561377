namespace ImaginAI.Vision.Decoding;

/// <summary>
/// Walks the Huffman-coded data of a JPEG's first scan and counts what a strict decoder would call corrupt: codes in
/// no table, coefficients past the 64th of a block, restart markers out of place, and a scan that ends early or
/// leaves bytes over. libjpeg (and so SkiaSharp) decodes such data with warnings only, into a picture with smeared
/// or grey blocks, so without this a photo with a damaged middle is stored and embedded as if it were whole.
/// Only sequential Huffman scans and the first DC pass of a progressive JPEG are walked; other kinds (arithmetic
/// coding, lossless) count no errors. No pixel is decoded: the pass reads bits and tables only.
/// </summary>
internal static class JpegEntropy
{
    /// <summary>
    /// Errors a whole photo may carry: real cameras and encoders write none, but a single flipped bit costs a few
    /// before the codes fall back into step, and such a photo still shows its scene.
    /// </summary>
    internal const int ErrorTolerance = 8;

    /// <summary>Bytes after the last block that are tolerated: some encoders pad the final byte run.</summary>
    private const int TrailingByteTolerance = 4;

    private sealed class HuffmanTable
    {
        private const int LookAhead = 9;
        private readonly int[] maxCode = new int[18];
        private readonly int[] valueOffset = new int[17];
        private readonly byte[] values;
        // For codes of up to LookAhead bits: the code's length (0 when longer) and symbol, by the next LookAhead bits.
        private readonly byte[] fastLength = new byte[1 << LookAhead];
        private readonly byte[] fastSymbol = new byte[1 << LookAhead];

        public HuffmanTable(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> symbols)
        {
            values = symbols.ToArray();
            var code = 0;
            var index = 0;
            for (var length = 1; length <= 16; length++)
            {
                var count = counts[length - 1];
                valueOffset[length] = index - code;
                for (var i = 0; i < count && length <= LookAhead; i++)
                {
                    var first = (code + i) << (LookAhead - length);
                    for (var fill = 0; fill < 1 << (LookAhead - length); fill++)
                    {
                        fastLength[first + fill] = (byte)length;
                        fastSymbol[first + fill] = values[index + i];
                    }
                }
                code += count;
                index += count;
                maxCode[length] = count > 0 ? code - 1 : -1;
                code <<= 1;
            }
            maxCode[17] = int.MaxValue;
        }

        /// <summary>The next symbol, or -1 for a code that is in no table (one bit is dropped, to move on).</summary>
        public int Decode(ref BitReader bits)
        {
            var peek = bits.Peek16();
            var fast = peek >> (16 - LookAhead);
            if (fastLength[fast] != 0)
            {
                bits.Skip(fastLength[fast]);
                return fastSymbol[fast];
            }
            for (var length = LookAhead + 1; length <= 16; length++)
            {
                var code = peek >> (16 - length);
                if (code <= maxCode[length])
                {
                    bits.Skip(length);
                    var at = valueOffset[length] + code;
                    return at >= 0 && at < values.Length ? values[at] : -1;
                }
            }
            bits.Skip(1);
            return -1;
        }
    }

    /// <summary>
    /// Reads entropy-coded bits: 0xFF 0x00 is a data byte; any other marker stops the reading, and zeros are read
    /// past it, as libjpeg does.
    /// </summary>
    private ref struct BitReader(ReadOnlySpan<byte> data, int start)
    {
        private readonly ReadOnlySpan<byte> data = data;
        private int position = start;
        private ulong buffer;
        private int count;
        private int paddedBits;
        private bool atMarker;

        /// <summary>Bits read after the data ran out (libjpeg's "premature end of data segment").</summary>
        public readonly int BitsPastEnd => Math.Max(0, paddedBits - count);

        private void Ensure(int bits)
        {
            while (count < bits)
            {
                byte value = 0;
                if (!atMarker && position < data.Length)
                {
                    value = data[position];
                    if (value == 0xFF)
                    {
                        if (position + 1 < data.Length && data[position + 1] == 0x00) position += 2;
                        else { atMarker = true; continue; }
                    }
                    else position++;
                }
                else paddedBits += 8;
                buffer = buffer << 8 | value;
                count += 8;
            }
        }

        public int Peek16()
        {
            Ensure(16);
            return (int)(buffer >> (count - 16)) & 0xFFFF;
        }

        public void Skip(int bits) => count -= bits;

        public int Bits(int bits)
        {
            if (bits == 0) return 0;
            Ensure(bits);
            count -= bits;
            return (int)(buffer >> count) & ((1 << bits) - 1);
        }

        /// <summary>Drops the bits left in the current byte, as an encoder pads before a marker.</summary>
        public void AlignToByte() => count -= count % 8;

        /// <summary>Data bytes between the last block and the next marker: an encoder leaves none.</summary>
        public int BytesLeftBeforeMarker()
        {
            var inBuffer = Math.Max(0, count - paddedBits) / 8;
            if (atMarker) return inBuffer;
            var position = this.position;
            var left = inBuffer;
            while (position + 1 < data.Length && !(data[position] == 0xFF && data[position + 1] != 0x00)) { position++; left++; }
            return left;
        }

        /// <summary>
        /// At a restart point: true when restart marker RSTn comes right after the last block. Either way, the reading
        /// goes on after the next restart marker, as libjpeg resynchronises.
        /// </summary>
        public bool TakeRestart(int expected)
        {
            AlignToByte();
            var inStep = BytesLeftBeforeMarker() == 0;
            count = 0;
            paddedBits = 0;
            atMarker = false;
            while (position + 1 < data.Length && !(data[position] == 0xFF && data[position + 1] is >= 0xD0 and <= 0xD7))
            {
                // A marker that ends the scan: nothing more to resynchronise on.
                if (data[position] == 0xFF && data[position + 1] is not 0x00 and not 0xFF) { atMarker = true; return false; }
                position++;
            }
            if (position + 1 >= data.Length) { atMarker = true; return false; }
            var found = data[position + 1] - 0xD0;
            position += 2;
            return inStep && found == expected;
        }
    }

    private readonly record struct Component(int Id, int H, int V, int QuantTable);

    /// <summary>Counts the corrupt places in the first walkable scan; 0 for a whole photo or a scan of a kind not walked.</summary>
    public static int CountErrors(ReadOnlySpan<byte> data)
    {
        var dc = new HuffmanTable?[4];
        var dcQuant = new int[4];
        var ac = new HuffmanTable?[4];
        var components = new List<Component>();
        var (width, height, restartInterval) = (0, 0, 0);
        var (huffman, progressive) = (false, false);
        var position = 2;
        while (position + 4 <= data.Length)
        {
            if (data[position] != 0xFF) return 0;
            var marker = data[position + 1];
            if (marker == 0xFF) { position++; continue; }
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) { position += 2; continue; }
            var length = data[position + 2] << 8 | data[position + 3];
            if (length < 2 || position + 2 + length > data.Length) return 0;
            var segment = data.Slice(position + 4, length - 2);
            position += 2 + length;
            switch (marker)
            {
                case 0xC4 when !ReadHuffmanTables(segment, dc, ac):
                    return 1;
                case 0xDB:
                    ReadDcQuantisers(segment, dcQuant);
                    break;
                case 0xDD when segment.Length >= 2:
                    restartInterval = segment[0] << 8 | segment[1];
                    break;
                case 0xC0 or 0xC1 or 0xC2 when segment.Length >= 6:
                    (huffman, progressive) = (true, marker == 0xC2);
                    (height, width) = (segment[1] << 8 | segment[2], segment[3] << 8 | segment[4]);
                    for (var i = 0; i < segment[5] && 8 + i * 3 < segment.Length; i++)
                        components.Add(new Component(segment[6 + i * 3], Math.Max(1, segment[7 + i * 3] >> 4), Math.Max(1, segment[7 + i * 3] & 0x0F), segment[8 + i * 3] & 3));
                    break;
                case 0xDA:
                    if (!huffman || width == 0 || height == 0 || components.Count == 0) return 0;
                    return CountScanErrors(data, position, segment, components, dc, ac, dcQuant, width, height, restartInterval, progressive);
            }
        }
        return 0;
    }

    /// <summary>Keeps each quantisation table's DC step, which bounds the DC values a whole photo can hold.</summary>
    private static void ReadDcQuantisers(ReadOnlySpan<byte> segment, int[] dcQuant)
    {
        var at = 0;
        while (at + 1 < segment.Length)
        {
            var (precision, id) = (segment[at] >> 4, segment[at] & 0x0F);
            var size = precision == 0 ? 64 : 128;
            if (id > 3 || at + 1 + size > segment.Length) return;
            dcQuant[id] = precision == 0 ? segment[at + 1] : segment[at + 1] << 8 | segment[at + 2];
            at += 1 + size;
        }
    }

    private static bool ReadHuffmanTables(ReadOnlySpan<byte> segment, HuffmanTable?[] dc, HuffmanTable?[] ac)
    {
        var at = 0;
        while (at + 17 <= segment.Length)
        {
            var (tableClass, id) = (segment[at] >> 4, segment[at] & 0x0F);
            var counts = segment.Slice(at + 1, 16);
            var total = 0;
            foreach (var count in counts) total += count;
            if (id > 3 || tableClass > 1 || total > 256 || at + 17 + total > segment.Length) return false;
            var table = new HuffmanTable(counts, segment.Slice(at + 17, total));
            if (tableClass == 0) dc[id] = table; else ac[id] = table;
            at += 17 + total;
        }
        return true;
    }

    private static int CountScanErrors(ReadOnlySpan<byte> data, int start, ReadOnlySpan<byte> scan, List<Component> frame,
        HuffmanTable?[] dc, HuffmanTable?[] ac, int[] dcQuant, int width, int height, int restartInterval, bool progressive)
    {
        var count = scan[0];
        if (count == 0 || scan.Length < 1 + count * 2 + 3) return 0;
        var (spectralStart, spectralEnd, approximationHigh, approximationLow) =
            (scan[1 + count * 2], scan[2 + count * 2], scan[3 + count * 2] >> 4, scan[3 + count * 2] & 0x0F);
        // Refinement and AC passes of a progressive JPEG need the earlier passes' state: not walked.
        if (progressive && (spectralStart != 0 || spectralEnd != 0 || approximationHigh != 0)) return 0;
        if (!progressive && (spectralStart != 0 || spectralEnd != 63)) return 0;

        var inScan = new List<(Component Component, HuffmanTable Dc, HuffmanTable? Ac, int DcLimit)>();
        for (var i = 0; i < count; i++)
        {
            var id = scan[1 + i * 2];
            var component = frame.FirstOrDefault(c => c.Id == id);
            var tables = scan[2 + i * 2];
            var dcTable = dc[(tables >> 4) & 3];
            var acTable = ac[tables & 3];
            if (component.H == 0 || dcTable is null || (!progressive && acTable is null)) return 1;
            // 8-bit samples give DC coefficients within ±1024 (eight times the level-shifted mean); in steps of the
            // quantiser, shifted by the successive-approximation bit, and with a step of rounding to spare.
            var step = Math.Max(1, dcQuant[component.QuantTable]) << approximationLow;
            inScan.Add((component, dcTable, progressive ? null : acTable, 1024 / step + 1));
        }

        var (maxH, maxV) = (frame.Max(c => c.H), frame.Max(c => c.V));
        // One component alone is coded block by block over its own size; several are interleaved in MCUs.
        long units;
        if (inScan.Count == 1)
        {
            var only = inScan[0].Component;
            units = (long)DivideUp(DivideUp(width * only.H, maxH), 8) * DivideUp(DivideUp(height * only.V, maxV), 8);
        }
        else units = (long)DivideUp(width, 8 * maxH) * DivideUp(height, 8 * maxV);

        var bits = new BitReader(data, start);
        var errors = 0;
        var nextRestart = 0;
        var predictions = new int[inScan.Count];
        for (long unit = 0; unit < units; unit++)
        {
            if (restartInterval > 0 && unit > 0 && unit % restartInterval == 0)
            {
                if (!bits.TakeRestart(nextRestart)) errors++;
                nextRestart = (nextRestart + 1) & 7;
                Array.Clear(predictions);
            }
            for (var c = 0; c < inScan.Count; c++)
            {
                var (component, dcTable, acTable, dcLimit) = inScan[c];
                var blocks = inScan.Count == 1 ? 1 : component.H * component.V;
                for (var block = 0; block < blocks; block++)
                {
                    errors += Block(ref bits, dcTable, acTable, ref predictions[c], dcLimit);
                    // Past the end of the data every block reads as zeros: nothing more to learn, and a file
                    // cut short is counted below by how much is missing.
                    if (bits.BitsPastEnd > 0 || errors > ErrorTolerance) return errors + (bits.BitsPastEnd > 0 ? 1 : 0);
                }
            }
        }

        bits.AlignToByte();
        if (bits.BytesLeftBeforeMarker() > TrailingByteTolerance) errors++;
        return errors;
    }

    /// <summary>
    /// Reads one block's codes; returns the corrupt places in it (0 or 1). A DC value out of range is brought back in,
    /// so one bad difference counts once rather than for every block after it.
    /// </summary>
    private static int Block(ref BitReader bits, HuffmanTable dcTable, HuffmanTable? acTable, ref int prediction, int dcLimit)
    {
        var size = dcTable.Decode(ref bits);
        // 8-bit samples: a DC difference needs at most 11 bits, an AC coefficient at most 10.
        if (size is < 0 or > 11) return 1;
        var raw = bits.Bits(size);
        prediction += size == 0 ? 0 : raw < 1 << (size - 1) ? raw - (1 << size) + 1 : raw;
        if (Math.Abs(prediction) > dcLimit)
        {
            prediction = Math.Clamp(prediction, -dcLimit, dcLimit);
            return 1;
        }
        if (acTable is null) return 0;
        for (var k = 1; k < 64; k++)
        {
            var symbol = acTable.Decode(ref bits);
            if (symbol < 0) return 1;
            var (run, acSize) = (symbol >> 4, symbol & 0x0F);
            if (acSize == 0)
            {
                if (run != 15) return 0;
                k += 15;
            }
            else
            {
                if (acSize > 10) return 1;
                k += run;
                bits.Bits(acSize);
            }
            if (k > 63) return 1;
        }
        return 0;
    }

    private static int DivideUp(int value, int divisor) => (value + divisor - 1) / divisor;
}
