using ImaginAI.Vision.Decoding;
using OpenCvSharp;
using SkiaSharp;

namespace ImaginAI.Vision.Verification;

/// <summary>
/// A photo with its keypoint-dense part painted over from its surroundings. Over a smooth scene (a bare wall, a sky,
/// a gradient), the keypoints bunch on whatever is in front of it (a truck, a person, a pasted sign); that part
/// carries the CNN vector away from the scene's own reference photo, while the smooth rest is easy to paint back.
/// </summary>
public static class BusyRegionFill
{
    private const int Grid = PhotoKeypoints.CellGrid;

    /// <summary>
    /// Long side of the filled copy: the CNN looks at 224 px, so more only costs time. A photo need not be decoded
    /// with a short side above this (<see cref="DecodeOptions.MinShortSide"/>).
    /// </summary>
    public const int WorkingSide = 320;

    /// <summary>
    /// The cells of an 8×8 grid over the frame holding at least <see cref="VerificationOptions.BusyMinPerCell"/> of the
    /// photo's strongest keypoints, or null when they are not a part of the photo: none, more than
    /// <see cref="VerificationOptions.BusyMaxShare"/> of the frame, or a photo whose keypoints cover less than
    /// <see cref="VerificationOptions.MinEvidenceCoverage"/> of it (smooth all over: nothing stands in front).
    /// </summary>
    public static bool[]? BusyCells(PhotoKeypoints keypoints, VerificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(keypoints);
        ArgumentNullException.ThrowIfNull(options);
        if (options.BusyMinPerCell <= 0 || keypoints.Coverage < options.MinEvidenceCoverage) return null;
        var busy = keypoints.CellCounts().Select(c => c >= options.BusyMinPerCell).ToArray();
        var share = busy.Count(b => b) / (double)busy.Length;
        return share == 0 || share > options.BusyMaxShare ? null : busy;
    }

    /// <summary>A copy of <paramref name="photo"/>, at most 320 px on its long side, with <paramref name="busy"/> cells inpainted.</summary>
    public static DecodedPhoto Fill(DecodedPhoto photo, bool[] busy)
    {
        ArgumentNullException.ThrowIfNull(photo);
        ArgumentNullException.ThrowIfNull(busy);
        var bitmap = photo.Bitmap;
        var scale = Math.Min(1.0, (double)WorkingSide / Math.Max(bitmap.Width, bitmap.Height));
        var (width, height) = (Math.Max(Grid, (int)Math.Round(bitmap.Width * scale)), Math.Max(Grid, (int)Math.Round(bitmap.Height * scale)));
        using var smallRgba = BitmapMats.ResizedRgba(bitmap, width, height);
        using var small = new Mat();
        Cv2.CvtColor(smallRgba, small, ColorConversionCodes.RGBA2BGR);
        using var mask = new Mat(height, width, MatType.CV_8UC1, Scalar.All(0));
        for (var cell = 0; cell < busy.Length; cell++)
        {
            if (!busy[cell]) continue;
            var (cx, cy) = (cell % Grid, cell / Grid);
            var x0 = cx * width / Grid; var y0 = cy * height / Grid;
            var x1 = (cx + 1) * width / Grid; var y1 = (cy + 1) * height / Grid;
            mask[new Rect(x0, y0, x1 - x0, y1 - y0)].SetTo(Scalar.All(255));
        }
        using var filled = new Mat();
        // Telea's inpainting carries the edges around the hole into it. Two smoother fills were measured and not kept
        // (docs/BENCHMARKS.md, "Match quality"): they made photos of other places look like smooth scenes too.
        Cv2.Inpaint(small, mask, filled, 5, InpaintTypes.Telea);
        using var rgbaOut = new Mat();
        Cv2.CvtColor(filled, rgbaOut, ColorConversionCodes.BGR2RGBA);
        var result = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        unsafe
        {
            var rowBytes = width * 4;
            for (var y = 0; y < height; y++)
                Buffer.MemoryCopy((byte*)rgbaOut.Ptr(y), (byte*)result.GetPixels() + y * result.RowBytes, rowBytes, rowBytes);
        }
        return new DecodedPhoto(result, photo.Header, photo.Metadata);
    }
}
