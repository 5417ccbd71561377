using OpenCvSharp;
using SkiaSharp;

namespace ImaginAI.Vision.Verification;

/// <summary>Decoded bitmaps handed to OpenCV.</summary>
internal static class BitmapMats
{
    /// <summary>An RGBA copy of <paramref name="bitmap"/> shrunk to <paramref name="width"/>×<paramref name="height"/> (area averaging); the caller disposes it.</summary>
    public static Mat ResizedRgba(SKBitmap bitmap, int width, int height)
    {
        using var rgba = bitmap.ColorType == SKColorType.Rgba8888 ? null : bitmap.Copy(SKColorType.Rgba8888)
                         ?? throw new InvalidOperationException("The photo could not be converted.");
        var source = rgba ?? bitmap;
        using var wrapped = Mat.FromPixelData(source.Height, source.Width, MatType.CV_8UC4, source.GetPixels(), source.RowBytes);
        var resized = new Mat();
        Cv2.Resize(wrapped, resized, new Size(width, height), 0, 0, InterpolationFlags.Area);
        return resized;
    }
}
