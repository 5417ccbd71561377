using ImaginAI.Vision.Decoding;
using SkiaSharp;

namespace ImaginAI.Tests.Integration;

/// <summary>
/// What happens to a site photo between two visits or two phones: a different framing (crop), size, JPEG quality
/// and exposure. Made with SkiaSharp from a real photo at test time; every result is a JPEG.
/// </summary>
public static class PhotoVariants
{
    /// <summary>Keeps <paramref name="keep"/> of each side, the window placed at (<paramref name="x"/>, <paramref name="y"/>) in 0..1.</summary>
    public static byte[] Crop(byte[] photo, float keep, float x = 0.5f, float y = 0.5f) => Transform(photo, bitmap =>
    {
        var (w, h) = ((int)(bitmap.Width * keep), (int)(bitmap.Height * keep));
        var left = (int)((bitmap.Width - w) * x);
        var top = (int)((bitmap.Height - h) * y);
        return Draw(bitmap, SKRectI.Create(left, top, w, h), w, h);
    });

    public static byte[] Resize(byte[] photo, float scale) => Transform(photo, bitmap =>
        Draw(bitmap, SKRectI.Create(0, 0, bitmap.Width, bitmap.Height), (int)(bitmap.Width * scale), (int)(bitmap.Height * scale)));

    public static byte[] ReEncode(byte[] photo, int quality) => Transform(photo, bitmap => bitmap.Copy(), quality);

    /// <summary>Multiplies every channel by <paramref name="gain"/> (1.3 = brighter, 0.7 = darker), clipping at white.</summary>
    public static byte[] Exposure(byte[] photo, float gain) => Transform(photo, bitmap =>
    {
        var result = new SKBitmap(bitmap.Info);
        using var canvas = new SKCanvas(result);
        using var paint = new SKPaint
        {
            ColorFilter = SKColorFilter.CreateColorMatrix([gain, 0, 0, 0, 0, 0, gain, 0, 0, 0, 0, 0, gain, 0, 0, 0, 0, 0, 1, 0]),
        };
        using var image = SKImage.FromBitmap(bitmap);
        canvas.DrawImage(image, 0, 0, SKSamplingOptions.Default, paint);
        return result;
    });

    /// <summary>
    /// A Gaussian blur of <paramref name="sigma"/> pixels: a strong one leaves a real photo's colours and layout but
    /// almost no corners, as fog, a bare wall or a night shot does.
    /// </summary>
    public static byte[] Blur(byte[] photo, float sigma) => Transform(photo, bitmap =>
    {
        var result = new SKBitmap(bitmap.Info);
        using var canvas = new SKCanvas(result);
        using var paint = new SKPaint { ImageFilter = SKImageFilter.CreateBlur(sigma, sigma, SKShaderTileMode.Clamp) };
        using var image = SKImage.FromBitmap(bitmap);
        canvas.DrawImage(image, 0, 0, SKSamplingOptions.Default, paint);
        return result;
    });

    /// <summary>
    /// The photo turned upside down (a half turn): the same colours and surfaces, so a CNN still finds it much alike,
    /// but light and dark where the original had them the other way round, as in another smooth scene.
    /// </summary>
    public static byte[] HalfTurn(byte[] photo) => Transform(photo, bitmap =>
    {
        var result = new SKBitmap(new SKImageInfo(bitmap.Width, bitmap.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(result);
        canvas.RotateDegrees(180, bitmap.Width / 2f, bitmap.Height / 2f);
        using var image = SKImage.FromBitmap(bitmap);
        canvas.DrawImage(image, 0, 0, SKSamplingOptions.Default, null);
        return result;
    });

    /// <summary>A second visit: reframed, smaller, a little brighter, re-saved at a phone's quality.</summary>
    public static byte[] SecondVisit(byte[] photo) => ReEncode(Exposure(Resize(Crop(photo, 0.85f, 0.3f, 0.6f), 0.5f), 1.15f), 75);

    /// <summary>Two photos side by side, each scaled to the same height (a frame showing two places).</summary>
    public static byte[] SideBySide(byte[] left, byte[] right)
    {
        using var a = PhotoDecoder.Decode(left);
        using var b = PhotoDecoder.Decode(right);
        const int height = 600;
        var (wa, wb) = (a.Bitmap.Width * height / a.Bitmap.Height, b.Bitmap.Width * height / b.Bitmap.Height);
        using var both = new SKBitmap(new SKImageInfo(wa + wb, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(both))
        using (var imageA = SKImage.FromBitmap(a.Bitmap))
        using (var imageB = SKImage.FromBitmap(b.Bitmap))
        {
            var sampling = new SKSamplingOptions(SKCubicResampler.Mitchell);
            canvas.DrawImage(imageA, SKRect.Create(0, 0, wa, height), sampling);
            canvas.DrawImage(imageB, SKRect.Create(wa, 0, wb, height), sampling);
        }
        using var image = SKImage.FromBitmap(both);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    /// <summary>
    /// Something busy in front of the spot, like a truck parked there: a patch of the elephants photo (no scene of the
    /// tests) over half the width and 70% of the height, standing on the bottom edge right of centre.
    /// </summary>
    public static byte[] TruckInFront(byte[] scene)
    {
        using var photo = PhotoDecoder.Decode(scene);
        using var truck = PhotoDecoder.Decode(Support.RealPhotos.Read("Elephants_5640x3172.jpg"));
        var source = photo.Bitmap;
        var (width, height) = (source.Width * 0.5f, source.Height * 0.7f);
        using var bitmap = source.Copy(SKColorType.Rgba8888);
        using (var canvas = new SKCanvas(bitmap))
        using (var image = SKImage.FromBitmap(truck.Bitmap))
            canvas.DrawImage(image, SKRect.Create(truck.Bitmap.Width * 0.3f, truck.Bitmap.Height * 0.3f, width, height),
                SKRect.Create(source.Width * 0.45f, source.Height - height, width, height), new SKSamplingOptions(SKFilterMode.Linear));
        using var encoded = bitmap.Encode(SKEncodedImageFormat.Jpeg, 85);
        return encoded.ToArray();
    }

    private static byte[] Transform(byte[] photo, Func<SKBitmap, SKBitmap> change, int quality = 90)
    {
        using var decoded = PhotoDecoder.Decode(photo);
        using var changed = change(decoded.Bitmap);
        using var image = SKImage.FromBitmap(changed);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }

    private static SKBitmap Draw(SKBitmap source, SKRectI from, int width, int height)
    {
        var result = new SKBitmap(new SKImageInfo(Math.Max(1, width), Math.Max(1, height), SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(result);
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, from, SKRect.Create(0, 0, result.Width, result.Height), new SKSamplingOptions(SKCubicResampler.Mitchell));
        return result;
    }
}
