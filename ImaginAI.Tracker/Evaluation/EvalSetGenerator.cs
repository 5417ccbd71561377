using System.Globalization;
using SkiaSharp;

namespace ImaginAI.Tracker.Evaluation;

/// <summary>
/// Builds the public evaluation set from a folder of real photographs: each photo is a scene; about 30% of the
/// scenes are kept out of the gallery (open-set), and every scene gets revisits that imitate a field worker coming
/// back to the same spot. Deterministic: the same sources and seed give the same files.
/// Layout written (the "split Holidays" layout that <see cref="EvalSetReader"/> reads):
///   gallery/NNNN00.jpg  the milestone reference photo of scene NNNN (gallery scenes only)
///   queries/NNNNXX.jpg  revisit XX (01..10) of scene NNNN, one per transform in <see cref="Transforms"/>
///   manifest.tsv        file, scene, role, transform, source photo
/// </summary>
public sealed class EvalSetGenerator(int seed = 20261125, double openSetShare = 0.3)
{
    private const int ReferenceLongSide = 1600;
    private const int DownscaledLongSide = 320;

    public static readonly string[] Transforms =
    [
        "crop-pan", "rotate", "perspective", "exposure-white-balance", "blur-noise",
        "jpeg-heavy", "downscale", "occluder-block", "occluder-photo", "combined",
    ];

    public sealed record Summary(int Scenes, int GalleryScenes, int OpenSetScenes, int Queries);

    /// <summary>
    /// Writes the set. Occluder patches are cut from the photos in <paramref name="occluderDirectory"/>, which must
    /// show none of the scenes: a patch of another scene would be a true partial match, not an obstruction.
    /// </summary>
    /// <remarks>
    /// <c>lowTextureDirectory</c>: more scenes with few corners (smooth gradients, plain walls, skies, night),
    /// appended after the others so that the scenes before them keep their numbers, split and revisits.
    /// <c>pairsDestination</c>: where to write the second set, whose revisits each carry two changes at once (drawn
    /// from <see cref="Transforms"/> but "combined"), and whose milestones have a second reference photo (NNNN50.jpg,
    /// framed a little differently), or null for none.
    /// </remarks>
    public Summary Generate(string sourceDirectory, string occluderDirectory, string destination, TextWriter progress,
        string? lowTextureDirectory = null, string? pairsDestination = null)
    {
        var sources = Images(sourceDirectory);
        var occluders = Images(occluderDirectory);
        if (occluders.Count == 0) throw new InvalidOperationException($"No occluder photos in {occluderDirectory}.");
        if (sources.Count < 3) throw new InvalidOperationException($"Need at least 3 photos in {sourceDirectory}, found {sources.Count}.");

        var random = new Random(seed);
        var openSetCount = (int)Math.Round(sources.Count * openSetShare);
        var openSet = Enumerable.Range(0, sources.Count).OrderBy(_ => random.Next()).Take(openSetCount).ToHashSet();
        if (lowTextureDirectory is not null)
        {
            var extra = Images(lowTextureDirectory);
            var extraRandom = new Random(seed + 1);
            var extraOpen = (int)Math.Round(extra.Count * openSetShare);
            foreach (var j in Enumerable.Range(0, extra.Count).OrderBy(_ => extraRandom.Next()).Take(extraOpen)) openSet.Add(sources.Count + j);
            openSetCount += extraOpen;
            sources.AddRange(extra);
        }

        Directory.CreateDirectory(Path.Combine(destination, "gallery"));
        Directory.CreateDirectory(Path.Combine(destination, "queries"));
        using var manifest = new StreamWriter(Path.Combine(destination, "manifest.tsv"));
        manifest.WriteLine("file\tscene\trole\ttransform\tsource");
        using var pairs = pairsDestination is null ? null : new StreamWriter(Path.Combine(CreateSetFolders(pairsDestination), "manifest.tsv"));
        pairs?.WriteLine("file\tscene\trole\ttransform\tsource");

        var queries = 0;
        for (var i = 0; i < sources.Count; i++)
        {
            var scene = (i + 1).ToString("D4", CultureInfo.InvariantCulture);
            var sourceName = Path.GetFileName(sources[i]);
            using var reference = LoadResized(sources[i], ReferenceLongSide);
            // A patch of an unrelated photo stands in for a truck or scaffolding in front of the spot.
            using var other = LoadResized(occluders[i % occluders.Count], ReferenceLongSide);
            var sceneRandom = new Random(seed * 31 + i);

            if (!openSet.Contains(i))
            {
                var file = $"gallery/{scene}00.jpg";
                Save(reference, Path.Combine(destination, file), 90);
                manifest.WriteLine($"{file}\t{scene}\treference\toriginal\t{sourceName}");
            }
            if (pairs is not null)
                queries += WritePairs(pairsDestination!, pairs, scene, sourceName, reference, other, openSet.Contains(i), new Random(seed * 37 + i));
            for (var t = 0; t < Transforms.Length; t++)
            {
                var (bitmap, quality) = Revisit(Transforms[t], reference, other, sceneRandom);
                using (bitmap)
                {
                    var file = $"queries/{scene}{t + 1:D2}.jpg";
                    Save(bitmap, Path.Combine(destination, file), quality);
                    manifest.WriteLine($"{file}\t{scene}\t{(openSet.Contains(i) ? "open-set-query" : "query")}\t{Transforms[t]}\t{sourceName}");
                    queries++;
                }
            }
            progress.WriteLine($"[{i + 1}/{sources.Count}] scene {scene} {(openSet.Contains(i) ? "open-set" : "gallery ")} {sourceName}");
        }
        return new Summary(sources.Count, sources.Count - openSetCount, openSetCount, queries);
    }

    private static string CreateSetFolders(string destination)
    {
        Directory.CreateDirectory(Path.Combine(destination, "gallery"));
        Directory.CreateDirectory(Path.Combine(destination, "queries"));
        return destination;
    }

    // The order two changes are applied in: the camera's framing first, then what stands in front, the light, the
    // lens and the phone's processing last.
    private static readonly string[] PairOrder =
        ["crop-pan", "rotate", "perspective", "occluder-block", "occluder-photo", "exposure-white-balance", "blur-noise", "downscale", "jpeg-heavy"];

    private int WritePairs(string destination, StreamWriter manifest, string scene, string sourceName, SKBitmap reference, SKBitmap other,
        bool openSet, Random random)
    {
        if (!openSet)
        {
            var file = $"gallery/{scene}00.jpg";
            Save(reference, Path.Combine(destination, file), 90);
            manifest.WriteLine($"{file}\t{scene}\treference\toriginal\t{sourceName}");
            // A milestone's second reference photo: the same spot framed a little differently on another day.
            using var second = CropPan(reference, random, 0.8, 0.9);
            file = $"gallery/{scene}50.jpg";
            Save(second, Path.Combine(destination, file), 90);
            manifest.WriteLine($"{file}\t{scene}\treference\tcrop-pan\t{sourceName}");
        }
        var kinds = PairOrder;
        var all = (from a in Enumerable.Range(0, kinds.Length) from b in Enumerable.Range(a + 1, kinds.Length - a - 1) select (a, b)).ToList();
        var chosen = all.OrderBy(_ => random.Next()).Take(Transforms.Length).ToList();
        for (var r = 0; r < chosen.Count; r++)
        {
            var (first, then) = (kinds[chosen[r].a], kinds[chosen[r].b]);
            var (once, _) = Revisit(first, reference, other, random);
            using (once)
            {
                // JPEG at a phone's worst (quality 12-27) rather than the first set's 8: two changes at once are harsh enough.
                var (twice, quality) = then == "jpeg-heavy" ? (once.Copy(), random.Next(12, 28)) : Revisit(then, once, other, random);
                using (twice)
                {
                    var file = $"queries/{scene}{r + 1:D2}.jpg";
                    Save(twice, Path.Combine(destination, file), quality);
                    manifest.WriteLine($"{file}\t{scene}\t{(openSet ? "open-set-query" : "query")}\t{first}+{then}\t{sourceName}");
                }
            }
        }
        return chosen.Count;
    }

    private static List<string> Images(string directory) =>
        Directory.GetFiles(directory)
            .Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase)
                        || f.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".webp", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).ToList();

    private static (SKBitmap Bitmap, int Quality) Revisit(string transform, SKBitmap reference, SKBitmap other, Random random) => transform switch
    {
        "crop-pan" => (CropPan(reference, random, 0.6, 0.75), 88),
        "rotate" => (Rotate(reference, Sign(random) * Between(random, 3, 7)), 88),
        "perspective" => (Perspective(reference, random, 0.14), 88),
        "exposure-white-balance" => (Exposure(reference, random), 88),
        "blur-noise" => (Noise(Blur(reference, Between(random, 2.0, 3.5)), random, 10), 88),
        "jpeg-heavy" => (reference.Copy(), 8),
        "downscale" => (Resize(reference, DownscaledLongSide), 85),
        "occluder-block" => (Occlude(reference, null, random), 88),
        "occluder-photo" => (Occlude(reference, other, random), 88),
        "combined" => (Combined(reference, random), 35),
        _ => throw new ArgumentOutOfRangeException(nameof(transform), transform, "Unknown transform."),
    };

    private static SKBitmap Combined(SKBitmap reference, Random random)
    {
        using var cropped = CropPan(reference, random, 0.75, 0.85);
        using var rotated = Rotate(cropped, Sign(random) * Between(random, 2, 4));
        return Exposure(rotated, random);
    }

    private static SKBitmap CropPan(SKBitmap source, Random random, double minShare, double maxShare)
    {
        var share = Between(random, minShare, maxShare);
        var cropWidth = (float)(source.Width * share);
        var cropHeight = (float)(source.Height * share);
        var x = (float)(random.NextDouble() * (source.Width - cropWidth));
        var y = (float)(random.NextDouble() * (source.Height - cropHeight));
        var matrix = SKMatrix.CreateScale(source.Width / cropWidth, source.Height / cropHeight)
            .PreConcat(SKMatrix.CreateTranslation(-x, -y));
        return Warp(source, matrix, source.Width, source.Height);
    }

    private static SKBitmap Rotate(SKBitmap source, double degrees)
    {
        // Zoom in just enough that no empty corner shows, as a photo taken with a tilted phone would.
        var radians = Math.Abs(degrees) * Math.PI / 180;
        var zoom = (float)(Math.Cos(radians) + Math.Sin(radians) * Math.Max((double)source.Width / source.Height, (double)source.Height / source.Width));
        var matrix = SKMatrix.CreateRotationDegrees((float)degrees, source.Width / 2f, source.Height / 2f)
            .PreConcat(SKMatrix.CreateScale(zoom, zoom, source.Width / 2f, source.Height / 2f));
        return Warp(source, matrix, source.Width, source.Height);
    }

    private static SKBitmap Perspective(SKBitmap source, Random random, double jitter)
    {
        // A quad inside the source, each corner moved inwards at random, is stretched onto the full frame:
        // the view of someone standing a few steps to the side.
        float W = source.Width, H = source.Height;
        SKPoint Corner(float x, float y, float dx, float dy) =>
            new(x + dx * (float)(random.NextDouble() * jitter) * W, y + dy * (float)(random.NextDouble() * jitter) * H);
        SKPoint[] quad = [Corner(0, 0, 1, 1), Corner(W, 0, -1, 1), Corner(W, H, -1, -1), Corner(0, H, 1, -1)];
        SKPoint[] frame = [new(0, 0), new(W, 0), new(W, H), new(0, H)];
        return Warp(source, Homography.FromCorrespondences(quad, frame), source.Width, source.Height);
    }

    private static SKBitmap Exposure(SKBitmap source, Random random)
    {
        var gain = random.Next(2) == 0 ? Between(random, 0.55, 0.7) : Between(random, 1.3, 1.5);
        var warm = random.Next(2) == 0;
        float r = (float)(gain * (warm ? 1.15 : 0.85)), g = (float)gain, b = (float)(gain * (warm ? 0.8 : 1.2));
        using var filter = SKColorFilter.CreateColorMatrix(
        [
            r, 0, 0, 0, 0,
            0, g, 0, 0, 0,
            0, 0, b, 0, 0,
            0, 0, 0, 1, 0,
        ]);
        return Draw(source, paint => paint.ColorFilter = filter);
    }

    private static SKBitmap Blur(SKBitmap source, double sigma)
    {
        using var filter = SKImageFilter.CreateBlur((float)sigma, (float)sigma, SKShaderTileMode.Clamp);
        return Draw(source, paint => paint.ImageFilter = filter);
    }

    private static SKBitmap Noise(SKBitmap source, Random random, double sigma)
    {
        using (source)
        {
            var result = source.Copy(SKColorType.Rgba8888);
            var bytes = result.Bytes;
            for (var i = 0; i < bytes.Length; i++)
            {
                if (i % 4 == 3) continue;
                var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                bytes[i] = (byte)Math.Clamp(bytes[i] + gaussian * sigma, 0, 255);
            }
            System.Runtime.InteropServices.Marshal.Copy(bytes, 0, result.GetPixels(), bytes.Length);
            result.NotifyPixelsChanged();
            return result;
        }
    }

    private static SKBitmap Occlude(SKBitmap source, SKBitmap? patchSource, Random random)
    {
        // A third of the frame: 45% of the width by 75% of the height, standing on the bottom edge like a vehicle.
        var width = source.Width * 0.45f;
        var height = source.Height * 0.75f;
        var x = (float)(random.NextDouble() * (source.Width - width));
        var rect = SKRect.Create(x, source.Height - height, width, height);
        var result = source.Copy(SKColorType.Rgba8888);
        using var canvas = new SKCanvas(result);
        if (patchSource is null)
        {
            using var paint = new SKPaint { Color = new SKColor((byte)random.Next(30, 220), (byte)random.Next(30, 220), (byte)random.Next(30, 220)) };
            canvas.DrawRect(rect, paint);
        }
        else
        {
            using var image = SKImage.FromBitmap(patchSource);
            var from = SKRect.Create((float)(random.NextDouble() * Math.Max(0, patchSource.Width - width)),
                                     (float)(random.NextDouble() * Math.Max(0, patchSource.Height - height)), width, height);
            canvas.DrawImage(image, from, rect, new SKSamplingOptions(SKFilterMode.Linear));
        }
        canvas.Flush();
        return result;
    }

    private static SKBitmap Warp(SKBitmap source, SKMatrix matrix, int width, int height)
    {
        var result = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(result);
        canvas.Clear(SKColors.Black);
        canvas.SetMatrix(matrix);
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        canvas.Flush();
        return result;
    }

    private static SKBitmap Draw(SKBitmap source, Action<SKPaint> configure)
    {
        var result = new SKBitmap(new SKImageInfo(source.Width, source.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(result);
        using var paint = new SKPaint();
        configure(paint);
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear), paint);
        canvas.Flush();
        return result;
    }

    private static SKBitmap LoadResized(string path, int longSide)
    {
        using var decoded = SKBitmap.Decode(path) ?? throw new InvalidOperationException($"Cannot decode {path}.");
        return Resize(decoded, longSide);
    }

    private static SKBitmap Resize(SKBitmap source, int longSide)
    {
        var scale = Math.Min(1.0, (double)longSide / Math.Max(source.Width, source.Height));
        var info = new SKImageInfo(Math.Max(1, (int)Math.Round(source.Width * scale)), Math.Max(1, (int)Math.Round(source.Height * scale)),
                                   SKColorType.Rgba8888, SKAlphaType.Premul);
        return source.Resize(info, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))
               ?? throw new InvalidOperationException("Resize failed.");
    }

    private static void Save(SKBitmap bitmap, string path, int quality)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        using var file = File.Create(path);
        data.SaveTo(file);
    }

    private static double Between(Random random, double min, double max) => min + random.NextDouble() * (max - min);

    private static int Sign(Random random) => random.Next(2) == 0 ? -1 : 1;
}
