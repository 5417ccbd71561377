using System.Runtime.InteropServices;
using ImaginAI.Vision.Decoding;
using OpenCvSharp;
using SkiaSharp;

namespace ImaginAI.Vision.Verification;

/// <summary>
/// Checks whether two photos show the same place from a similar viewpoint: ORB keypoints on downscaled grayscale
/// copies, brute-force Hamming matching with Lowe's ratio test, then a homography fitted with MAGSAC (OpenCV USAC).
/// The inlier count is the evidence. Thread-safe. Where OpenCV's native library cannot load (it needs libgtk-3-0),
/// <see cref="IsAvailable"/> is false and every result says so instead of throwing, so callers fall back to CNN scores.
/// </summary>
public sealed class KeypointVerifier(VerificationOptions? options = null)
{
    // Fewer matches than this cannot give a homography worth reporting (4 points always fit one exactly).
    private const int MinMatchesForHomography = 8;

    // ORB looks for features only 31 pixels or more inside the border, and its image pyramid fails on smaller images
    // (OpenCV throws on a 1-pixel photo): below this short side a photo simply has no features.
    private const int MinWorkingSide = 64;

    private static readonly Lazy<string?> LoadFailure = new(ProbeOpenCv);

    /// <summary>True when OpenCV's native library loaded on this machine.</summary>
    public static bool IsAvailable => LoadFailure.Value is null;

    /// <summary>Why verification is unavailable (names the package to install), or null when it is available.</summary>
    public static string? UnavailableReason => LoadFailure.Value;

    /// <summary>The settings in use.</summary>
    public VerificationOptions Options { get; } = options ?? new VerificationOptions();

    /// <summary>
    /// Finds the local features of a photo, or returns null when verification is unavailable. A photo larger than
    /// the working size is shrunk to it; a smaller one is enlarged towards it (at most <see cref="VerificationOptions.MaxUpscale"/>×).
    /// </summary>
    public PhotoKeypoints? Describe(DecodedPhoto photo)
    {
        ArgumentNullException.ThrowIfNull(photo);
        if (!IsAvailable) return null;
        var bitmap = photo.Bitmap;
        var scale = Math.Min(Math.Max(1.0, Options.MaxUpscale), (double)Options.MaxSide / Math.Max(bitmap.Width, bitmap.Height));
        if (Math.Min(bitmap.Width, bitmap.Height) * scale < MinWorkingSide)
        {
            using var none = new Mat();
            return new PhotoKeypoints(bitmap.Width, bitmap.Height, scale, [], none);
        }
        using var gray = ToGray(bitmap, scale);
        // Local contrast equalisation and a low FAST threshold find corners in dark, hazy or smooth scenes
        // (clouds, dusk) where plain ORB finds almost none.
        using var clahe = Cv2.CreateCLAHE(2.0, new Size(8, 8));
        using var equalised = new Mat();
        clahe.Apply(gray, equalised);
        using var orb = ORB.Create(Options.MaxFeatures, fastThreshold: Options.FastThreshold);
        using var descriptors = new Mat();
        orb.DetectAndCompute(equalised, null, out var keypoints, descriptors);
        var spread = Options.SpreadPerCell > 0 ? DescribeSpread(equalised, bitmap.Width, bitmap.Height, scale) : null;
        return new PhotoKeypoints(bitmap.Width, bitmap.Height, scale, keypoints, descriptors, spread);
    }

    private const int SpreadGrid = 8;

    // The strongest keypoints of a wider detection, at most SpreadPerCell in each cell of an 8×8 grid: every part of
    // the frame that has corners keeps some, however much stronger a pasted or cluttered part is.
    private PhotoKeypoints DescribeSpread(Mat equalised, int width, int height, double scale)
    {
        using var wide = ORB.Create(Options.SpreadPerCell * SpreadGrid * SpreadGrid * 2, fastThreshold: Options.FastThreshold);
        var (w, h) = (equalised.Cols, equalised.Rows);
        var chosen = wide.Detect(equalised)
            .GroupBy(k => Math.Clamp((int)(k.Pt.Y / h * SpreadGrid), 0, SpreadGrid - 1) * SpreadGrid
                          + Math.Clamp((int)(k.Pt.X / w * SpreadGrid), 0, SpreadGrid - 1))
            .SelectMany(cell => cell.OrderByDescending(k => k.Response).Take(Options.SpreadPerCell))
            .ToArray();
        using var descriptors = new Mat();
        if (chosen.Length > 0) wide.Compute(equalised, ref chosen, descriptors);
        return new PhotoKeypoints(width, height, scale, chosen, descriptors);
    }

    /// <summary>Verifies photo <paramref name="a"/> against photo <paramref name="b"/>.</summary>
    public VerificationResult Verify(DecodedPhoto a, DecodedPhoto b)
    {
        if (!IsAvailable) return VerificationResult.Unavailable(UnavailableReason!);
        return Verify(Describe(a)!, Describe(b)!);
    }

    /// <summary>Verifies two photos whose features were found earlier with <see cref="Describe"/>.</summary>
    public VerificationResult Verify(PhotoKeypoints a, PhotoKeypoints b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!IsAvailable) return VerificationResult.Unavailable(UnavailableReason!);
        var evidence = EvidenceOf(a, b);
        var first = VerifySet(a, b, evidence);
        if (first.Inliers >= Options.SecondPassBelowInliers || a.Spread is not { Count: >= 2 } spreadA || b.Spread is not { Count: >= 2 } spreadB)
            return first with { FirstPassInliers = first.Inliers, FirstPassClusteredInliers = first.ClusteredInliers };
        // The strongest keypoints may all sit on one textured part (a pasted photo, a truck): the spread sets speak for
        // the rest of the frame. This pass only adds evidence: the first pass's result stands unless this one agrees more.
        var second = VerifySet(spreadA, spreadB, evidence);
        var better = second.Inliers > first.Inliers || (second.Inliers == first.Inliers && second.ClusteredInliers > first.ClusteredInliers)
            ? second with { SpreadPass = true, KeypointsA = a.Count, KeypointsB = b.Count, CoverageA = a.Coverage, CoverageB = b.Coverage }
            : first;
        return better with { FirstPassInliers = first.Inliers, FirstPassClusteredInliers = first.ClusteredInliers };
    }

    private VerificationResult VerifySet(PhotoKeypoints a, PhotoKeypoints b, KeypointEvidence evidence)
    {
        if (a.Count < 2 || b.Count < 2)
            return new VerificationResult
            {
                Available = true, KeypointsA = a.Count, KeypointsB = b.Count, CoverageA = a.Coverage, CoverageB = b.Coverage,
                Evidence = KeypointEvidence.TooFewKeypoints,
            };

        // Ratio test, then one match per keypoint of B: many-to-one matches let a homography collapse a whole photo
        // onto a few points and count them all as inliers.
        var good = RatioTestMatches(a, b)
            .GroupBy(m => m.TrainIdx)
            .Select(g => g.MinBy(m => m.Distance))
            .ToList();

        var pointsA = good.Select(m => a.Keypoints[m.QueryIdx].Pt).ToArray();
        var pointsB = good.Select(m => b.Keypoints[m.TrainIdx].Pt).ToArray();
        var inlierMask = new bool[good.Count];
        double[]? homography = null;
        var clustered = 0;
        if (good.Count >= MinMatchesForHomography)
            homography = FitHomography(pointsA, pointsB, inlierMask, a, b, out clustered);

        var pairs = new KeypointPair[good.Count];
        for (var i = 0; i < good.Count; i++)
            pairs[i] = new KeypointPair(
                (float)(pointsA[i].X / a.Scale), (float)(pointsA[i].Y / a.Scale),
                (float)(pointsB[i].X / b.Scale), (float)(pointsB[i].Y / b.Scale),
                inlierMask[i]);
        return new VerificationResult
        {
            Available = true,
            Matches = good.Count,
            Inliers = homography is null ? 0 : inlierMask.Count(x => x),
            Homography = homography,
            Pairs = pairs,
            KeypointsA = a.Count,
            KeypointsB = b.Count,
            CoverageA = a.Coverage,
            CoverageB = b.Coverage,
            Evidence = evidence,
            ClusteredInliers = clustered,
        };
    }

    /// <summary>
    /// Whether both photos have keypoints enough, over enough of their frame, for a failure to agree to count against
    /// the pair; the lines are <see cref="VerificationOptions.MinEvidenceKeypoints"/> and
    /// <see cref="VerificationOptions.MinEvidenceCoverage"/>, measured with `eval`.
    /// </summary>
    public KeypointEvidence EvidenceOf(PhotoKeypoints a, PhotoKeypoints b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Math.Min(a.Count, b.Count) < Math.Max(2, Options.MinEvidenceKeypoints)
               || Math.Min(a.Coverage, b.Coverage) < Options.MinEvidenceCoverage
            ? KeypointEvidence.TooFewKeypoints
            : KeypointEvidence.Enough;
    }

    // Nearest neighbours of A's descriptors among B's that pass Lowe's ratio test, in A's order.
    private IEnumerable<DMatch> RatioTestMatches(PhotoKeypoints a, PhotoKeypoints b)
    {
        if (a.DescriptorLength == b.DescriptorLength && a.DescriptorLength > 0 && a.DescriptorLength % 8 == 0)
        {
            var (nearest, nearestDistance, secondDistance) = (new int[a.Count], new int[a.Count], new int[a.Count]);
            HammingMatcher.NearestTwo(a.Descriptors, b.Descriptors, a.DescriptorLength, nearest, nearestDistance, secondDistance);
            return Enumerable.Range(0, a.Count)
                .Where(i => (float)nearestDistance[i] < Options.RatioTest * (float)secondDistance[i])
                .Select(i => new DMatch(i, nearest[i], nearestDistance[i]))
                .ToList();
        }
        using var matcher = new BFMatcher(NormTypes.Hamming);
        using var descriptorsA = a.CreateDescriptorMat();
        using var descriptorsB = b.CreateDescriptorMat();
        return matcher.KnnMatch(descriptorsA, descriptorsB, 2)
            .Where(pair => pair.Length == 2 && pair[0].Distance < Options.RatioTest * pair[1].Distance)
            .Select(pair => pair[0])
            .ToList();
    }

    /// <summary>
    /// Warps photo <paramref name="a"/> into the frame of photo <paramref name="b"/> with the homography
    /// <see cref="Verify(DecodedPhoto, DecodedPhoto)"/> fitted for the pair (both decoded as they were verified), so
    /// "before" lies exactly over "after". Parts of b's frame that a does not show stay black.
    /// Throws <see cref="InvalidOperationException"/> when verification is unavailable.
    /// </summary>
    public static SKBitmap WarpOnto(DecodedPhoto a, DecodedPhoto b, double[] homography)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(homography);
        if (!IsAvailable) throw new InvalidOperationException(UnavailableReason);
        using var source = a.Bitmap.ColorType == SKColorType.Rgba8888 ? a.Bitmap.Copy() : a.Bitmap.Copy(SKColorType.Rgba8888);
        using var from = Mat.FromPixelData(source.Height, source.Width, MatType.CV_8UC4, source.GetPixels(), source.RowBytes);
        var matrix = new float[3, 3];
        for (var i = 0; i < 9; i++) matrix[i / 3, i % 3] = (float)homography[i];
        using var warped = new Mat();
        Cv2.WarpPerspective(from, warped, matrix, new Size(b.Bitmap.Width, b.Bitmap.Height), InterpolationFlags.Linear, BorderTypes.Constant, Scalar.Black);
        var result = new SKBitmap(new SKImageInfo(b.Bitmap.Width, b.Bitmap.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rowBytes = b.Bitmap.Width * 4;
        var rows = warped.Rows;
        for (var y = 0; y < rows; y++)
            unsafe
            {
                Buffer.MemoryCopy((void*)warped.Ptr(y), (void*)(result.GetPixels() + y * result.RowBytes), result.RowBytes, rowBytes);
            }
        return result;
    }

    private double[]? FitHomography(Point2f[] pointsA, Point2f[] pointsB, bool[] inlierMask, PhotoKeypoints a, PhotoKeypoints b, out int clustered)
    {
        clustered = 0;
        var (scaleA, scaleB) = (a.Scale, b.Scale);
        using var mask = new Mat();
        using var h = Cv2.FindHomography(
            pointsA.Select(p => new Point2d(p.X, p.Y)), pointsB.Select(p => new Point2d(p.X, p.Y)),
            HomographyMethods.USAC_MAGSAC, Options.ReprojectionThreshold, mask, 2000, 0.995);
        if (h.Empty() || mask.Empty()) return null;
        for (var i = 0; i < inlierMask.Length; i++) inlierMask[i] = mask.At<byte>(i) != 0;
        if (!Plausible(pointsA, pointsB, inlierMask, a, b))
        {
            clustered = inlierMask.Count(x => x);
            Array.Clear(inlierMask);
            return null;
        }

        // Working-scale H maps a*scaleA to b*scaleB; in full-size pixels that is diag(1/scaleB) · H · diag(scaleA).
        var full = new double[9];
        for (var r = 0; r < 3; r++)
            for (var c = 0; c < 3; c++)
                full[r * 3 + c] = h.At<double>(r, c) * (c < 2 ? scaleA : 1) / (r < 2 ? scaleB : 1);
        var norm = full[8];
        if (Math.Abs(norm) < 1e-12) return null;
        for (var i = 0; i < 9; i++) full[i] /= norm;
        return full;
    }

    // A real change of viewpoint maps a spread of points onto a spread of points. Inliers bunched into a clump or
    // along a line in either photo are a repeated texture or noise agreeing by chance, not the same place.
    private bool Plausible(Point2f[] pointsA, Point2f[] pointsB, bool[] inlierMask, PhotoKeypoints a, PhotoKeypoints b)
    {
        var inA = pointsA.Where((_, i) => inlierMask[i]).ToArray();
        var inB = pointsB.Where((_, i) => inlierMask[i]).ToArray();
        if (inA.Length < MinMatchesForHomography) return false;
        return HullShare(inA, a) >= Options.MinInlierSpread && HullShare(inB, b) >= Options.MinInlierSpread;
    }

    // Area of the points' convex hull as a share of the photo's area (both at working scale).
    private static double HullShare(Point2f[] points, PhotoKeypoints photo)
    {
        var hull = Cv2.ConvexHull(points);
        var photoArea = photo.Width * photo.Scale * photo.Height * photo.Scale;
        return Cv2.ContourArea(hull) / photoArea;
    }

    // Gray first, then an area-averaging downscale in OpenCV: the same anti-aliased result as Skia's mipmapped
    // resize of the RGBA bitmap it replaced, at a tenth of the CPU (building the mipmaps of a 1500×1125 decode alone
    // took 30 ms a photo, more than ORB itself; docs/BENCHMARKS.md, "Ingest").
    private static Mat ToGray(SKBitmap bitmap, double scale)
    {
        var width = Math.Max(1, (int)Math.Round(bitmap.Width * scale));
        var height = Math.Max(1, (int)Math.Round(bitmap.Height * scale));
        using var rgba = bitmap.ColorType == SKColorType.Rgba8888 ? null : bitmap.Copy(SKColorType.Rgba8888)
                         ?? throw new InvalidOperationException("The photo could not be converted for keypoint verification.");
        var source = rgba ?? bitmap;
        using var wrapped = Mat.FromPixelData(source.Height, source.Width, MatType.CV_8UC4, source.GetPixels(), source.RowBytes);
        var gray = new Mat();
        Cv2.CvtColor(wrapped, gray, ColorConversionCodes.RGBA2GRAY);
        if (width == source.Width && height == source.Height) return gray;
        using (gray)
        {
            var resized = new Mat();
            // Area averaging shrinks without aliasing; enlarging a small photo needs interpolation instead (area
            // averaging then repeats pixels, and ORB finds the blocks' corners).
            Cv2.Resize(gray, resized, new Size(width, height), 0, 0, scale < 1 ? InterpolationFlags.Area : InterpolationFlags.Cubic);
            return resized;
        }
    }

    private static string? ProbeOpenCv()
    {
        try
        {
            _ = Cv2.GetVersionString();
            using var probe = new Mat(1, 1, MatType.CV_8UC1);
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException
                                      or EntryPointNotFoundException or ExternalException or OpenCvSharpException)
        {
            return "Keypoint verification is unavailable: OpenCV's native library could not load. " +
                   "On Debian or Ubuntu install it with 'apt-get install -y libgtk-3-0'. " +
                   $"Matching decisions fall back to the CNN score. ({e.GetBaseException().Message})";
        }
    }
}
