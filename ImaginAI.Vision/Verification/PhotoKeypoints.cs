using System.Runtime.InteropServices;
using OpenCvSharp;

namespace ImaginAI.Vision.Verification;

/// <summary>
/// The local features of one photo, computed once by <see cref="KeypointVerifier.Describe"/> so that a photo can be
/// verified against many candidates without finding its features again. Plain managed data (no native handle), so
/// it can be cached and shared between threads without anyone having to dispose it.
/// </summary>
public sealed class PhotoKeypoints
{
    private readonly byte[] descriptors;
    private readonly int descriptorLength;

    internal PhotoKeypoints(int width, int height, double scale, KeyPoint[] keypoints, Mat descriptors, PhotoKeypoints? spread = null)
    {
        Width = width;
        Height = height;
        Scale = scale;
        Keypoints = keypoints;
        descriptorLength = descriptors.Cols;
        this.descriptors = [];
        if (!descriptors.Empty()) descriptors.GetArray(out this.descriptors);
        Spread = spread;
    }

    private PhotoKeypoints(int width, int height, double scale, KeyPoint[] keypoints, byte[] descriptors, int descriptorLength, PhotoKeypoints? spread)
    {
        Width = width;
        Height = height;
        Scale = scale;
        Keypoints = keypoints;
        this.descriptors = descriptors;
        this.descriptorLength = descriptorLength;
        Spread = spread;
    }

    // Bumped whenever the layout or the way features are found changes, so stale files are recomputed, not misread.
    // 2: photos below the working size are upscaled; 3: a second, spread set of keypoints follows the first.
    private const int FormatVersion = 3;
    private static ReadOnlySpan<byte> Magic => "ORBK"u8;

    /// <summary>
    /// Writes the features in a compact binary form that <see cref="Read"/> gives back exactly, so a photo's features
    /// can be stored beside it and never found again.
    /// </summary>
    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(Width);
        writer.Write(Height);
        writer.Write(Scale);
        writer.Write(Keypoints.Length);
        writer.Write(descriptorLength);
        writer.Write(MemoryMarshal.AsBytes(Keypoints.AsSpan()));
        writer.Write(descriptors);
        // The spread set shares the photo's size, scale and descriptor length; 0 keypoints means none.
        var spread = Spread;
        writer.Write(spread?.Count ?? 0);
        if (spread is null) return;
        writer.Write(spread.descriptorLength);
        writer.Write(MemoryMarshal.AsBytes(spread.Keypoints.AsSpan()));
        writer.Write(spread.descriptors);
    }

    /// <summary>
    /// Reads features written by <see cref="Write"/>. Returns null for a file of another format version or one cut
    /// short (the caller finds the features again).
    /// </summary>
    public static PhotoKeypoints? Read(ReadOnlySpan<byte> data)
    {
        const int header = 4 + 4 + 4 + 4 + 8 + 4 + 4;
        if (data.Length < header || !data[..4].SequenceEqual(Magic)) return null;
        var version = BitConverter.ToInt32(data[4..]);
        var width = BitConverter.ToInt32(data[8..]);
        var height = BitConverter.ToInt32(data[12..]);
        var scale = BitConverter.ToDouble(data[16..]);
        var count = BitConverter.ToInt32(data[24..]);
        var length = BitConverter.ToInt32(data[28..]);
        if (version != FormatVersion || ReadSet(data[header..], count, length, out var keypoints, out var descriptors) is not { } used) return null;
        var rest = data[(header + used)..];
        if (rest.Length < 4) return null;
        var spreadCount = BitConverter.ToInt32(rest);
        PhotoKeypoints? spread = null;
        if (spreadCount == 0)
        {
            if (rest.Length != 4) return null;
        }
        else
        {
            if (rest.Length < 8) return null;
            var spreadLength = BitConverter.ToInt32(rest[4..]);
            if (ReadSet(rest[8..], spreadCount, spreadLength, out var spreadKeypoints, out var spreadDescriptors) is not { } spreadUsed
                || rest.Length != 8 + spreadUsed) return null;
            spread = new PhotoKeypoints(width, height, scale, spreadKeypoints, spreadDescriptors, spreadLength, null);
        }
        return new PhotoKeypoints(width, height, scale, keypoints, descriptors, length, spread);
    }

    // One set of keypoints and their descriptors at the start of data; the bytes it took, or null when cut short.
    private static int? ReadSet(ReadOnlySpan<byte> data, int count, int length, out KeyPoint[] keypoints, out byte[] descriptors)
    {
        (keypoints, descriptors) = ([], []);
        var keypointBytes = (long)count * Marshal.SizeOf<KeyPoint>();
        var descriptorBytes = (long)count * length;
        if (count < 0 || length < 0 || data.Length < keypointBytes + descriptorBytes) return null;
        keypoints = MemoryMarshal.Cast<byte, KeyPoint>(data[..(int)keypointBytes]).ToArray();
        descriptors = data.Slice((int)keypointBytes, (int)descriptorBytes).ToArray();
        return (int)(keypointBytes + descriptorBytes);
    }

    /// <summary>Width of the photo the features were found on, in its own pixels.</summary>
    public int Width { get; }

    /// <summary>Height of the photo the features were found on, in its own pixels.</summary>
    public int Height { get; }

    /// <summary>Number of keypoints found.</summary>
    public int Count => Keypoints.Length;

    /// <summary>Bytes held, for cache accounting.</summary>
    public long SizeInBytes => descriptors.Length + Keypoints.Length * 28L + (Spread?.SizeInBytes ?? 0);

    /// <summary>
    /// The second set: keypoints spread over the frame (a cap per grid cell), for a second verification pass where
    /// the strongest keypoints bunch on one textured part of the photo. Null when not found (turned off).
    /// </summary>
    public PhotoKeypoints? Spread { get; }

    /// <summary>
    /// Share of the cells of an 8×8 grid over the frame that hold at least one keypoint: how much of the photo the
    /// keypoints can speak for (a sky or a smooth wall leaves most cells empty).
    /// </summary>
    public double Coverage => coverage ??= ComputeCoverage();

    private double? coverage;

    private double ComputeCoverage() => CellCounts().Count(c => c > 0) / (double)(CellGrid * CellGrid);

    /// <summary>Side of the grid over the frame that <see cref="Coverage"/> and <see cref="CellCounts"/> use.</summary>
    internal const int CellGrid = 8;

    /// <summary>How many keypoints fall in each cell of an 8×8 grid over the frame, row by row.</summary>
    internal int[] CellCounts()
    {
        var counts = new int[CellGrid * CellGrid];
        var (w, h) = (Width * Scale, Height * Scale);
        if (w <= 0 || h <= 0) return counts;
        foreach (var k in Keypoints)
            counts[Math.Clamp((int)(k.Pt.Y / h * CellGrid), 0, CellGrid - 1) * CellGrid + Math.Clamp((int)(k.Pt.X / w * CellGrid), 0, CellGrid - 1)]++;
        return counts;
    }

    /// <summary>Working-scale pixels per photo pixel (above 1 for photos upscaled for detection).</summary>
    internal double Scale { get; }

    internal KeyPoint[] Keypoints { get; }

    /// <summary>Bytes per descriptor (32 for ORB).</summary>
    internal int DescriptorLength => descriptorLength;

    /// <summary>The binary descriptors, one row of <see cref="DescriptorLength"/> bytes per keypoint.</summary>
    internal ReadOnlySpan<byte> Descriptors => descriptors;

    /// <summary>A native copy of the binary descriptors (one row per keypoint) for one matching run; the caller disposes it.</summary>
    internal Mat CreateDescriptorMat()
    {
        var mat = new Mat(Keypoints.Length, descriptorLength, MatType.CV_8UC1);
        if (descriptors.Length > 0) mat.SetArray(descriptors);
        return mat;
    }
}
