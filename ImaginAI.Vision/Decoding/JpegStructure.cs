namespace ImaginAI.Vision.Decoding;

/// <summary>
/// Checks that a JPEG holds a whole picture, without decoding it: the segments can be walked from the start to the
/// end-of-image marker, each scan's compressed data ends at a marker that may follow a scan, and the first scan has
/// at least the bits its size needs (every 8 × 8 block costs at least 2 bits in a baseline scan, 1 in a progressive
/// DC scan). libjpeg decodes random bytes after a valid header into a grey or noisy picture with only warnings, so
/// this is what tells such a file from a photo. Data after the end marker (motion photos, phone metadata) is allowed,
/// as are a few stray bytes between segments (which libjpeg skips too).
/// </summary>
internal static class JpegStructure
{
    public enum Verdict { Whole, Truncated, Damaged }

    /// <summary>Stray bytes between segments that are tolerated in all (libjpeg skips them with a warning).</summary>
    internal const int StrayByteTolerance = 64;

    private readonly record struct Component(int H, int V);

    /// <param name="data">The whole file.</param>
    /// <param name="walkEntropy">
    /// Also walk the first scan's coded data (<see cref="JpegEntropy"/>): what admits a file, not what re-reads a
    /// stored one.
    /// </param>
    public static Verdict Check(ReadOnlySpan<byte> data, bool walkEntropy)
    {
        var position = 2;
        var stray = 0;
        var scans = 0;
        var progressive = false;
        var (width, height) = (0, 0);
        var components = new Dictionary<int, Component>();
        while (true)
        {
            // Fill bytes before a marker are allowed; anything else is a stray byte.
            while (position < data.Length && data[position] != 0xFF)
            {
                position++;
                if (++stray > StrayByteTolerance) return Verdict.Damaged;
            }
            while (position + 1 < data.Length && data[position + 1] == 0xFF) position++;
            if (position + 1 >= data.Length) return Verdict.Truncated;
            var marker = data[position + 1];
            position += 2;
            if (marker == 0xD9)
                return scans == 0 || (walkEntropy && JpegEntropy.CountErrors(data) > JpegEntropy.ErrorTolerance) ? Verdict.Damaged : Verdict.Whole;
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) continue;
            if (marker is 0x00 or 0xD8) return Verdict.Damaged;
            if (position + 2 > data.Length) return Verdict.Truncated;
            var length = data[position] << 8 | data[position + 1];
            if (length < 2) return Verdict.Damaged;
            if (position + length > data.Length) return Verdict.Truncated;
            var segment = data.Slice(position + 2, length - 2);
            position += length;

            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (scans > 0 || segment.Length < 6) return Verdict.Damaged;
                progressive = (marker & 0x03) == 0x02;
                (height, width) = (segment[1] << 8 | segment[2], segment[3] << 8 | segment[4]);
                for (var i = 0; i < segment[5] && 6 + i * 3 + 2 < segment.Length; i++)
                    components[segment[6 + i * 3]] = new Component(Math.Max(1, segment[7 + i * 3] >> 4), Math.Max(1, segment[7 + i * 3] & 0x0F));
                continue;
            }
            if (marker != 0xDA) continue;

            // A scan: its compressed data runs to the first marker that is not a stuffed 0xFF or a restart.
            if (components.Count == 0 || segment.Length < 1) return Verdict.Damaged;
            var entropyStart = position;
            var end = EntropyEnd(data, position);
            if (end < 0) return Verdict.Truncated;
            if (scans++ == 0 && (end - entropyStart) * 8L < MinimumBits(segment, components, width, height, progressive))
                return Verdict.Damaged;
            position = end;
            if (!MayFollowScan(data[end + 1])) return Verdict.Damaged;
        }
    }

    /// <summary>
    /// For a progressive JPEG, the bytes libjpeg holds for its coefficients whatever the output scale (2 bytes for each
    /// of the 64 coefficients of every block of every component: 3 bytes a pixel at 4:2:0, 6 at 4:4:4); 0 for a
    /// baseline JPEG, which is decoded a row of blocks at a time.
    /// </summary>
    public static long ProgressiveCoefficientBytes(ReadOnlySpan<byte> data)
    {
        var position = 2;
        while (position + 4 <= data.Length)
        {
            if (data[position] != 0xFF) return 0;
            var marker = data[position + 1];
            if (marker == 0xFF) { position++; continue; }
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
                return (marker & 0x03) == 0x02 ? CoefficientBytes(data[(position + 4)..]) : 0;
            if (marker == 0xDA) return 0;
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) { position += 2; continue; }
            position += 2 + (data[position + 2] << 8 | data[position + 3]);
        }
        return 0;
    }

    private static long CoefficientBytes(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 6) return 0;
        var (height, width, count) = (frame[1] << 8 | frame[2], frame[3] << 8 | frame[4], frame[5]);
        var sampling = new List<Component>();
        for (var i = 0; i < count && 8 + i * 3 < frame.Length; i++)
            sampling.Add(new Component(Math.Max(1, frame[7 + i * 3] >> 4), Math.Max(1, frame[7 + i * 3] & 0x0F)));
        if (sampling.Count == 0) return 0;
        var (maxH, maxV) = (sampling.Max(c => c.H), sampling.Max(c => c.V));
        return sampling.Sum(c => (long)DivideUp(DivideUp(width * c.H, maxH), 8) * DivideUp(DivideUp(height * c.V, maxV), 8)) * 64 * 2;
    }

    /// <summary>The offset of the marker that ends the compressed data starting at <paramref name="start"/>; -1 when the file ends first.</summary>
    private static int EntropyEnd(ReadOnlySpan<byte> data, int start)
    {
        var position = start;
        while (true)
        {
            var next = data[position..].IndexOf((byte)0xFF);
            if (next < 0) return -1;
            position += next;
            if (position + 1 >= data.Length) return -1;
            var following = data[position + 1];
            if (following == 0x00 || following is >= 0xD0 and <= 0xD7) { position += 2; continue; }
            if (following == 0xFF) { position++; continue; }
            return position;
        }
    }

    /// <summary>Tables, another scan, comments, application data, or the end: what an encoder writes after a scan.</summary>
    private static bool MayFollowScan(byte marker) =>
        marker is 0xC4 or 0xCC or 0xDA or 0xDB or 0xDC or 0xDD or 0xD9 or 0xFE or (>= 0xE0 and <= 0xEF);

    /// <summary>The fewest bits the first scan can take for its blocks; 0 when the scan is of a kind not bounded here.</summary>
    private static long MinimumBits(ReadOnlySpan<byte> scan, Dictionary<int, Component> components, int width, int height, bool progressive)
    {
        var count = scan[0];
        if (width == 0 || height == 0 || scan.Length < 1 + count * 2 + 3) return 0;
        var spectralStart = scan[1 + count * 2];
        var approximationHigh = scan[3 + count * 2] >> 4;
        // A progressive scan only has a floor in its first DC pass; a baseline scan in any case.
        if (progressive && (spectralStart != 0 || approximationHigh != 0)) return 0;
        var bitsPerBlock = progressive ? 1 : 2;
        var (maxH, maxV) = (components.Values.Max(c => c.H), components.Values.Max(c => c.V));
        long blocks = 0;
        if (count == 1)
        {
            if (!components.TryGetValue(scan[1], out var only)) return 0;
            blocks = DivideUp(DivideUp(width * only.H, maxH), 8) * (long)DivideUp(DivideUp(height * only.V, maxV), 8);
        }
        else
        {
            var mcus = (long)DivideUp(width, 8 * maxH) * DivideUp(height, 8 * maxV);
            for (var i = 0; i < count; i++)
                if (components.TryGetValue(scan[1 + i * 2], out var component)) blocks += mcus * component.H * component.V;
        }
        return blocks * bitsPerBlock;
    }

    private static int DivideUp(int value, int divisor) => (value + divisor - 1) / divisor;
}
