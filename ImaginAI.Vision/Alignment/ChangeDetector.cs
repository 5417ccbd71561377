using OpenCvSharp;
using SkiaSharp;

namespace ImaginAI.Vision.Alignment;

/// <summary>Settings of <see cref="ChangeDetector"/>; the defaults are the ones measured in docs/BENCHMARKS.md ("Change detection").</summary>
public sealed record ChangeOptions
{
    /// <summary>Long side of the working copies, in pixels: changes smaller than a few of these are not looked for.</summary>
    public int WorkingSide { get; init; } = 480;

    /// <summary>
    /// How far (working pixels) a detail may have moved and still count as unchanged: a homography fitted on keypoints
    /// is off by a pixel or two, more where the ground is not flat. 0 compares pixel with pixel.
    /// </summary>
    public int ToleranceRadius { get; init; } = 4;

    /// <summary>Matches the earlier photo's brightness, contrast and colour cast to this one's inside the overlap.</summary>
    public bool NormaliseExposure { get; init; } = true;

    /// <summary>Difference (8-bit Lab, lightness + twice the colour) above which a pixel counts as changed.</summary>
    public double Threshold { get; init; } = 30;

    /// <summary>Changed regions smaller than this share of the overlap are noise, not a change worth pointing at.</summary>
    public double MinRegionShare { get; init; } = 0.003;
}

/// <summary>One changed region, as fractions (0..1) of the later photo's width and height.</summary>
public readonly record struct ChangeRegion(float X, float Y, float Width, float Height, double Share);

/// <summary>
/// What <see cref="ChangeDetector.Detect"/> found: a mask over the later photo's frame (at the working size), the
/// part of that frame the earlier photo covers, and the changed regions.
/// </summary>
public sealed class ChangeResult
{
    internal ChangeResult(int width, int height, byte[] changed, byte[] overlap, IReadOnlyList<ChangeRegion> regions)
    {
        Width = width;
        Height = height;
        Changed = changed;
        Overlap = overlap;
        Regions = regions;
        OverlapPixels = overlap.Count(v => v != 0);
        ChangedPixels = changed.Count(v => v != 0);
    }

    /// <summary>Working width (the mask's).</summary>
    public int Width { get; }

    /// <summary>Working height (the mask's).</summary>
    public int Height { get; }

    /// <summary>One byte per working pixel, row by row: 1 where the scene changed.</summary>
    public IReadOnlyList<byte> Changed { get; }

    /// <summary>One byte per working pixel: 1 where both photos show the scene (the only place changes are looked for).</summary>
    public IReadOnlyList<byte> Overlap { get; }

    /// <summary>The changed regions, largest first.</summary>
    public IReadOnlyList<ChangeRegion> Regions { get; }

    /// <summary>Working pixels both photos show.</summary>
    public int OverlapPixels { get; }

    /// <summary>Working pixels marked as changed.</summary>
    public int ChangedPixels { get; }

    /// <summary>Changed share of the overlap (0..1).</summary>
    public double ChangedShare => OverlapPixels == 0 ? 0 : (double)ChangedPixels / OverlapPixels;

    /// <summary>Share of the later photo's frame the earlier one covers (0..1).</summary>
    public double OverlapShare => (double)OverlapPixels / (Width * Height);

    /// <summary>
    /// A transparent picture of the working size: changed pixels tinted, their outline solid, and the part of the frame
    /// the earlier photo does not cover hatched faintly. Encoded as PNG it lies over the later photo. The caller disposes it.
    /// </summary>
    public SKBitmap RenderOverlay()
    {
        var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var pixels = new uint[Width * Height];
        // Little-endian RGBA: 0xAABBGGRR.
        const uint fill = 0x70_1E_3C_FF, edge = 0xFF_00_1E_FF, outside = 0x38_80_80_80;
        for (var y = 0; y < Height; y++)
            for (var x = 0; x < Width; x++)
            {
                var i = y * Width + x;
                if (Changed[i] != 0)
                {
                    var border = x == 0 || y == 0 || x == Width - 1 || y == Height - 1
                                 || Changed[i - 1] == 0 || Changed[i + 1] == 0 || Changed[i - Width] == 0 || Changed[i + Width] == 0;
                    pixels[i] = border ? edge : fill;
                }
                else if (Overlap[i] == 0 && ((x + y) / 3) % 4 == 0) pixels[i] = outside;
            }
        unsafe
        {
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(pixels.AsSpan()).CopyTo(new Span<byte>((void*)bitmap.GetPixels(), pixels.Length * 4));
        }
        return bitmap;
    }
}

/// <summary>
/// Change detection after alignment: the earlier photo is warped onto the later one's frame with the homography from
/// keypoint verification, its exposure and colour cast matched to the later one's inside the overlap, and a pixel
/// counts as changed only when no pixel within <see cref="ChangeOptions.ToleranceRadius"/> of it in the other photo
/// looks alike (both ways), so a slight misalignment or parallax does not light up every edge. Outside the overlap
/// nothing is judged. Needs OpenCV.
/// </summary>
public static class ChangeDetector
{
    /// <summary>
    /// Regions that changed between <paramref name="before"/> and <paramref name="after"/>, where
    /// <paramref name="homography"/> maps <paramref name="before"/>'s pixels onto <paramref name="after"/>'s (as
    /// <see cref="Verification.VerificationResult.Homography"/> does for photos verified at these sizes).
    /// </summary>
    public static ChangeResult Detect(SKBitmap before, SKBitmap after, double[] homography, ChangeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(homography);
        options ??= new ChangeOptions();
        var work = Fit(after.Width, after.Height, options.WorkingSide);
        var beforeWork = Fit(before.Width, before.Height, options.WorkingSide);
        var h = FrameAligner.Rescale(homography, new SKSizeI(before.Width, before.Height), beforeWork, new SKSizeI(after.Width, after.Height), work);
        var size = new Size(work.Width, work.Height);

        using var afterLab = LabAt(after, work);
        using var beforeSmall = LabAt(before, beforeWork);
        using var matrix = FrameAligner.ToMat(h);
        using var beforeLab = new Mat();
        Cv2.WarpPerspective(beforeSmall, beforeLab, matrix, size, InterpolationFlags.Linear, BorderTypes.Replicate);
        using var overlap = new Mat();
        using (var ones = new Mat(beforeWork.Height, beforeWork.Width, MatType.CV_8UC1, Scalar.All(255)))
            Cv2.WarpPerspective(ones, overlap, matrix, size, InterpolationFlags.Nearest, BorderTypes.Constant, Scalar.All(0));
        // The warped border is a blend of photo and nothing: keep away from it by more than the tolerance looks.
        using (var kernel = Cv2.GetStructuringElement(MorphShapes.Rect, new Size(2 * options.ToleranceRadius + 5, 2 * options.ToleranceRadius + 5)))
            Cv2.Erode(overlap, overlap, kernel);

        var a = Channels(afterLab);
        var b = Channels(beforeLab);
        overlap.GetArray(out byte[] inside);
        if (options.NormaliseExposure) Normalise(b, a, inside);

        var n = work.Width * work.Height;
        var difference = new float[n];
        for (var c = 0; c < 3; c++)
        {
            var weight = c == 0 ? 1f : 2f;
            var (minA, maxA) = Envelope(a[c], work, options.ToleranceRadius);
            var (minB, maxB) = Envelope(b[c], work, options.ToleranceRadius);
            for (var i = 0; i < n; i++)
            {
                var afterNotInBefore = Math.Max(0, Math.Max(a[c][i] - maxB[i], minB[i] - a[c][i]));
                var beforeNotInAfter = Math.Max(0, Math.Max(b[c][i] - maxA[i], minA[i] - b[c][i]));
                difference[i] += weight * Math.Min(afterNotInBefore, beforeNotInAfter);
            }
        }

        using var changed = new Mat(work.Height, work.Width, MatType.CV_8UC1, Scalar.All(0));
        var raw = new byte[n];
        for (var i = 0; i < n; i++) raw[i] = (byte)(inside[i] != 0 && difference[i] > options.Threshold ? 255 : 0);
        changed.SetArray(raw);
        // Speckles are noise; a changed object is a blob, perhaps with holes where it happens to match the background.
        using (var open = Cv2.GetStructuringElement(MorphShapes.Ellipse, new Size(3, 3)))
            Cv2.MorphologyEx(changed, changed, MorphTypes.Open, open);
        using (var close = Cv2.GetStructuringElement(MorphShapes.Ellipse, new Size(9, 9)))
            Cv2.MorphologyEx(changed, changed, MorphTypes.Close, close);
        Cv2.BitwiseAnd(changed, overlap, changed);

        var overlapCount = inside.Count(v => v != 0);
        var (mask, regions) = KeepLargeRegions(changed, work, Math.Max(4, options.MinRegionShare * overlapCount), overlapCount);
        var overlapMask = new byte[n];
        for (var i = 0; i < n; i++) overlapMask[i] = inside[i] != 0 ? (byte)1 : (byte)0;
        return new ChangeResult(work.Width, work.Height, mask, overlapMask, regions);
    }

    private static (byte[] Mask, IReadOnlyList<ChangeRegion> Regions) KeepLargeRegions(Mat changed, SKSizeI work, double minArea, int overlapCount)
    {
        using var labels = new Mat();
        using var stats = new Mat();
        using var centroids = new Mat();
        var count = Cv2.ConnectedComponentsWithStats(changed, labels, stats, centroids, PixelConnectivity.Connectivity8, MatType.CV_32S);
        var keep = new bool[count];
        var regions = new List<ChangeRegion>();
        for (var label = 1; label < count; label++)
        {
            var area = stats.At<int>(label, (int)ConnectedComponentsTypes.Area);
            if (area < minArea) continue;
            keep[label] = true;
            regions.Add(new ChangeRegion(
                (float)stats.At<int>(label, (int)ConnectedComponentsTypes.Left) / work.Width,
                (float)stats.At<int>(label, (int)ConnectedComponentsTypes.Top) / work.Height,
                (float)stats.At<int>(label, (int)ConnectedComponentsTypes.Width) / work.Width,
                (float)stats.At<int>(label, (int)ConnectedComponentsTypes.Height) / work.Height,
                overlapCount == 0 ? 0 : (double)area / overlapCount));
        }
        labels.GetArray(out int[] ids);
        var mask = new byte[ids.Length];
        for (var i = 0; i < ids.Length; i++) mask[i] = keep[ids[i]] ? (byte)1 : (byte)0;
        return (mask, regions.OrderByDescending(r => r.Share).ToList());
    }

    // The earlier photo's tones mapped onto the later one's, measured where both show the scene: lightness by
    // histogram matching (a monotone curve, so gain, gamma and highlights clipped by a brighter exposure all map
    // back), colour cast (a, b) by a shift of the mean. A change covers a small part, so it barely moves either.
    private static void Normalise(float[][] before, float[][] after, byte[] inside)
    {
        MatchHistogram(before[0], after[0], inside);
        for (var c = 1; c < 3; c++)
        {
            var (meanA, _) = Stats(after[c], inside);
            var (meanB, _) = Stats(before[c], inside);
            var channel = before[c];
            for (var i = 0; i < channel.Length; i++) channel[i] = (float)(channel[i] - meanB + meanA);
        }
    }

    private static void MatchHistogram(float[] source, float[] target, byte[] inside)
    {
        var (cdfSource, cdfTarget) = (Cdf(source, inside), Cdf(target, inside));
        var map = new float[256];
        var j = 0;
        for (var v = 0; v < 256; v++)
        {
            while (j < 255 && cdfTarget[j] < cdfSource[v]) j++;
            map[v] = j;
        }
        for (var i = 0; i < source.Length; i++) source[i] = map[Math.Clamp((int)source[i], 0, 255)];
    }

    private static double[] Cdf(float[] values, byte[] inside)
    {
        var counts = new double[256];
        double total = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (inside[i] == 0) continue;
            counts[Math.Clamp((int)values[i], 0, 255)]++;
            total++;
        }
        for (var v = 1; v < 256; v++) counts[v] += counts[v - 1];
        for (var v = 0; v < 256; v++) counts[v] = total == 0 ? 0 : counts[v] / total;
        return counts;
    }

    private static (double Mean, double Sd) Stats(float[] values, byte[] inside)
    {
        double sum = 0, sumSq = 0;
        long n = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (inside[i] == 0) continue;
            sum += values[i];
            sumSq += (double)values[i] * values[i];
            n++;
        }
        if (n == 0) return (0, 0);
        var mean = sum / n;
        return (mean, Math.Sqrt(Math.Max(0, sumSq / n - mean * mean)));
    }

    // The darkest and brightest value within the radius of each pixel: a pixel of the other photo between the two
    // matches something nearby.
    private static (float[] Min, float[] Max) Envelope(float[] channel, SKSizeI size, int radius)
    {
        if (radius <= 0) return (channel, channel);
        using var mat = new Mat(size.Height, size.Width, MatType.CV_32FC1);
        mat.SetArray(channel);
        using var kernel = Cv2.GetStructuringElement(MorphShapes.Ellipse, new Size(2 * radius + 1, 2 * radius + 1));
        using var min = new Mat();
        using var max = new Mat();
        Cv2.Erode(mat, min, kernel, borderType: BorderTypes.Replicate);
        Cv2.Dilate(mat, max, kernel, borderType: BorderTypes.Replicate);
        min.GetArray(out float[] low);
        max.GetArray(out float[] high);
        return (low, high);
    }

    private static float[][] Channels(Mat lab)
    {
        Cv2.Split(lab, out var parts);
        var result = new float[3][];
        for (var c = 0; c < 3; c++)
            using (parts[c])
            using (var f = new Mat())
            {
                parts[c].ConvertTo(f, MatType.CV_32FC1);
                f.GetArray(out result[c]);
            }
        return result;
    }

    // Area-averaged down to the working size, blurred a little (JPEG blocks and resampling are not changes), as 8-bit Lab.
    private static Mat LabAt(SKBitmap bitmap, SKSizeI size)
    {
        using var rgba = FrameAligner.WrapRgba(bitmap, out var copy);
        using (copy)
        {
            using var small = new Mat();
            Cv2.Resize(rgba, small, new Size(size.Width, size.Height), 0, 0, InterpolationFlags.Area);
            using var rgb = new Mat();
            Cv2.CvtColor(small, rgb, ColorConversionCodes.RGBA2RGB);
            Cv2.GaussianBlur(rgb, rgb, new Size(5, 5), 1.2);
            var lab = new Mat();
            Cv2.CvtColor(rgb, lab, ColorConversionCodes.RGB2Lab);
            return lab;
        }
    }

    private static SKSizeI Fit(int width, int height, int side)
    {
        var scale = Math.Min(1.0, (double)side / Math.Max(width, height));
        return new SKSizeI(Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }
}
