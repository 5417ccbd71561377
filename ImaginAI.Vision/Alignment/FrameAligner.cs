using OpenCvSharp;
using SkiaSharp;

namespace ImaginAI.Vision.Alignment;

/// <summary>
/// Warps one photo onto another's frame with a homography found by keypoint verification, at any size: the
/// homography is fitted in the pixel spaces the features were found in, and each photo may be decoded at another
/// scale when it is drawn. Needs OpenCV (see <see cref="Verification.KeypointVerifier.IsAvailable"/>).
/// </summary>
public static class FrameAligner
{
    /// <summary>
    /// Re-expresses <paramref name="homography"/> (row-major 3×3, from a <paramref name="fromSpace"/>-sized picture
    /// onto a <paramref name="toSpace"/>-sized one) for pictures of sizes <paramref name="from"/> and <paramref name="to"/>.
    /// </summary>
    public static double[] Rescale(double[] homography, SKSizeI fromSpace, SKSizeI from, SKSizeI toSpace, SKSizeI to)
    {
        ArgumentNullException.ThrowIfNull(homography);
        if (homography.Length != 9) throw new ArgumentException("A homography has 9 entries.", nameof(homography));
        // H' = S_to · H · S_from⁻¹, with S a diagonal scale per axis.
        var (fx, fy) = ((double)fromSpace.Width / from.Width, (double)fromSpace.Height / from.Height);
        var (tx, ty) = ((double)to.Width / toSpace.Width, (double)to.Height / toSpace.Height);
        var result = new double[9];
        for (var r = 0; r < 3; r++)
            for (var c = 0; c < 3; c++)
                result[r * 3 + c] = homography[r * 3 + c] * (r == 0 ? tx : r == 1 ? ty : 1) * (c == 0 ? fx : c == 1 ? fy : 1);
        return result;
    }

    /// <summary>
    /// Draws <paramref name="source"/> onto a new <paramref name="size"/> frame through <paramref name="homography"/>
    /// (source pixels → frame pixels). Parts of the frame the source does not reach stay black. The caller disposes it.
    /// </summary>
    public static SKBitmap Warp(SKBitmap source, double[] homography, SKSizeI size)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var from = WrapRgba(source, out var copy);
        using (copy)
        {
            using var matrix = ToMat(homography);
            using var warped = new Mat();
            Cv2.WarpPerspective(from, warped, matrix, new Size(size.Width, size.Height), InterpolationFlags.Linear, BorderTypes.Constant, Scalar.Black);
            return ToBitmap(warped);
        }
    }

    /// <summary>Where <paramref name="homography"/> takes the point (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public static SKPoint Project(double[] homography, double x, double y)
    {
        ArgumentNullException.ThrowIfNull(homography);
        var w = homography[6] * x + homography[7] * y + homography[8];
        return new SKPoint((float)((homography[0] * x + homography[1] * y + homography[2]) / w),
                           (float)((homography[3] * x + homography[4] * y + homography[5]) / w));
    }

    internal static Mat ToMat(double[] homography)
    {
        var matrix = new Mat(3, 3, MatType.CV_64FC1);
        matrix.SetArray(homography);
        return matrix;
    }

    // A Mat over the bitmap's own pixels (or over an RGBA copy the caller disposes); the Mat must not outlive either.
    internal static Mat WrapRgba(SKBitmap bitmap, out SKBitmap? copy)
    {
        copy = bitmap.ColorType == SKColorType.Rgba8888 ? null : bitmap.Copy(SKColorType.Rgba8888)
               ?? throw new InvalidOperationException("The photo could not be converted to RGBA.");
        var pixels = copy ?? bitmap;
        return Mat.FromPixelData(pixels.Height, pixels.Width, MatType.CV_8UC4, pixels.GetPixels(), pixels.RowBytes);
    }

    internal static SKBitmap ToBitmap(Mat rgba)
    {
        var (rows, cols) = (rgba.Rows, rgba.Cols);
        var result = new SKBitmap(new SKImageInfo(cols, rows, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rowBytes = cols * 4;
        for (var y = 0; y < rows; y++)
            unsafe
            {
                Buffer.MemoryCopy((void*)rgba.Ptr(y), (void*)(result.GetPixels() + y * result.RowBytes), result.RowBytes, rowBytes);
            }
        return result;
    }
}
