using ImaginAI.Vision.Decoding;
using OpenCvSharp;
using SkiaSharp;

namespace ImaginAI.Tracker.Cli;

/// <summary>Two visits of one spot with a known change: where the object was pasted into the later one, in its pixels.</summary>
public sealed record ChangePair(byte[] Before, byte[] After, SKRectI? Pasted, string Name);

/// <summary>
/// Builds pairs with a known change from real photos: the later visit is the scene seen from a slightly different
/// viewpoint (a perspective warp of an inset quadrilateral, so no black borders), at another exposure, with a patch
/// of another real photo pasted in at a known place. The <c>bench changes</c> verb and the tests measure the change
/// overlay on them. Needs OpenCV.
/// </summary>
public static class ChangePairs
{
    /// <summary>Long side of both photos of a pair.</summary>
    public const int Side = 1200;

    /// <param name="scene">The spot (a real photo).</param>
    /// <param name="objectSource">Where the pasted object is cut from, or null for a pair with no change (a control).</param>
    /// <param name="seed">Chooses the viewpoint, the object's size and its place.</param>
    /// <param name="gain">Exposure of the later visit (1.3 = brighter).</param>
    /// <param name="viewShift">Largest inset of each corner of the later view, as a share of the side.</param>
    /// <param name="name">A label for tables.</param>
    public static ChangePair Make(byte[] scene, byte[]? objectSource, int seed, float gain, float viewShift, string name = "")
    {
        var random = new Random(seed);
        using var sceneBitmap = DecodeAt(scene, Side);
        var (w, h) = (sceneBitmap.Width, sceneBitmap.Height);

        // The later view: the frame shows a quadrilateral inside the scene, so the camera moved and turned a little.
        float Inset(float side) => (float)(side * (0.01 + random.NextDouble() * Math.Max(0, viewShift - 0.01)));
        var quad = new[]
        {
            new Point2f(Inset(w), Inset(h)), new Point2f(w - Inset(w), Inset(h)),
            new Point2f(w - Inset(w), h - Inset(h)), new Point2f(Inset(w), h - Inset(h)),
        };
        var frame = new[] { new Point2f(0, 0), new Point2f(w, 0), new Point2f(w, h), new Point2f(0, h) };
        using var view = Cv2.GetPerspectiveTransform(quad, frame);
        using var after = Warp(sceneBitmap, view);

        SKRectI? pasted = null;
        if (objectSource is not null)
        {
            using var source = DecodeAt(objectSource, Side);
            var ow = (int)(w * (0.12 + random.NextDouble() * 0.1));
            var oh = (int)(ow * (0.7 + random.NextDouble() * 0.6));
            var x = (int)(w * 0.1 + random.NextDouble() * (w * 0.8 - ow));
            var y = (int)(h * 0.1 + random.NextDouble() * (h * 0.8 - oh));
            var from = SKRectI.Create(random.Next(0, source.Width - ow), random.Next(0, source.Height - oh), ow, oh);
            using var canvas = new SKCanvas(after);
            using var image = SKImage.FromBitmap(source);
            canvas.DrawImage(image, from, SKRect.Create(x, y, ow, oh), new SKSamplingOptions(SKFilterMode.Linear));
            pasted = SKRectI.Create(x, y, ow, oh);
        }

        using var exposed = Expose(after, gain);
        return new ChangePair(Encode(sceneBitmap, 90), Encode(exposed, 85), pasted, name);
    }

    private static SKBitmap DecodeAt(byte[] bytes, int side)
    {
        using var decoded = PhotoDecoder.Decode(bytes, new DecodeOptions { MinShortSide = side });
        var scale = (double)side / Math.Max(decoded.Bitmap.Width, decoded.Bitmap.Height);
        var info = new SKImageInfo((int)Math.Round(decoded.Bitmap.Width * scale), (int)Math.Round(decoded.Bitmap.Height * scale),
            SKColorType.Rgba8888, SKAlphaType.Opaque);
        return decoded.Bitmap.Resize(info, new SKSamplingOptions(SKCubicResampler.Mitchell)) ?? throw new InvalidOperationException("Resize failed.");
    }

    private static SKBitmap Warp(SKBitmap source, Mat homography)
    {
        var h = new double[9];
        for (var i = 0; i < 9; i++) h[i] = homography.At<double>(i / 3, i % 3);
        return ImaginAI.Vision.Alignment.FrameAligner.Warp(source, h, new SKSizeI(source.Width, source.Height));
    }

    private static SKBitmap Expose(SKBitmap bitmap, float gain)
    {
        var result = new SKBitmap(bitmap.Info);
        using var canvas = new SKCanvas(result);
        // A camera's exposure and white balance: a gain, and a slight warm or cool cast with it.
        var cast = gain > 1 ? 0.03f : -0.03f;
        using var paint = new SKPaint
        {
            ColorFilter = SKColorFilter.CreateColorMatrix([gain * (1 + cast), 0, 0, 0, 0, 0, gain, 0, 0, 0, 0, 0, gain * (1 - cast), 0, 0, 0, 0, 0, 1, 0]),
        };
        using var image = SKImage.FromBitmap(bitmap);
        canvas.DrawImage(image, 0, 0, SKSamplingOptions.Default, paint);
        return result;
    }

    private static byte[] Encode(SKBitmap bitmap, int quality)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }
}
