using ImaginAI.Vision.Decoding;
using SkiaSharp;

namespace ImaginAI.Tracker.Cli;

/// <summary>
/// Many distinct photos made from a folder of real ones, for load and crash runs: each is its own window of one of
/// them (70-95 % of each side), scaled to a long side, with its own exposure and JPEG quality, so no two share
/// bytes (the upload would answer a repeat as a duplicate) while each still looks like a real site photo.
/// </summary>
public static class PhotoSet
{
    public static IReadOnlyList<(string FileName, byte[] Bytes)> Make(string directory, int count, int longSide, int seed = 1)
    {
        var sources = Directory.GetFiles(directory, "*.jpg").Order(StringComparer.Ordinal).ToList();
        if (sources.Count == 0) throw new FileNotFoundException($"No .jpg photos in {directory}.");
        // Trusted local sources: decoded whole, whatever budget a request's decode has.
        var decoded = sources.Select(f => PhotoDecoder.Decode(File.ReadAllBytes(f), new DecodeOptions { MinShortSide = longSide, MaxDecodedPixels = 100_000_000 })).ToList();
        try
        {
            var photos = new (string, byte[])[count];
            Parallel.For(0, count, i =>
            {
                var random = new Random(seed * 100_003 + i);
                var source = decoded[i % decoded.Count].Bitmap;
                var keep = 0.7 + 0.25 * random.NextDouble();
                var (w, h) = ((int)(source.Width * keep), (int)(source.Height * keep));
                var window = SKRectI.Create((int)((source.Width - w) * random.NextDouble()), (int)((source.Height - h) * random.NextDouble()), w, h);
                var scale = Math.Min(1.0, (double)longSide / Math.Max(w, h));
                var gain = (float)(0.85 + 0.3 * random.NextDouble());
                photos[i] = ($"site-{i:D4}.jpg", Render(source, window, (int)(w * scale), (int)(h * scale), gain, 75 + random.Next(18)));
            });
            return photos;
        }
        finally
        {
            decoded.ForEach(d => d.Dispose());
        }
    }

    private static byte[] Render(SKBitmap source, SKRectI window, int width, int height, float gain, int quality)
    {
        using var result = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(result))
        using (var image = SKImage.FromBitmap(source))
        using (var paint = new SKPaint { ColorFilter = SKColorFilter.CreateColorMatrix([gain, 0, 0, 0, 0, 0, gain, 0, 0, 0, 0, 0, gain, 0, 0, 0, 0, 0, 1, 0]) })
            canvas.DrawImage(image, window, SKRect.Create(0, 0, width, height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None), paint);
        using var encoded = SKImage.FromBitmap(result);
        using var data = encoded.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }
}
