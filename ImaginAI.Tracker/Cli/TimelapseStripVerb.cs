using ImaginAI.Vision.Alignment;
using ImaginAI.Vision.Decoding;
using ImaginAI.Vision.Verification;
using SkiaSharp;

namespace ImaginAI.Tracker.Cli;

/// <summary>
/// <c>timelapse-strip [--photos DIR] [--out FILE]</c>: the README's time-lapse frame strip, from real photos. Four
/// visits of one spot (Wood.jpg): each later one taken from a moved camera at another exposure, with more "work"
/// (patches of other real photos) in it. Top row: the photos as taken; bottom row: each warped onto the first with
/// the homography keypoint verification fits, as the time-lapse page shows them.
/// </summary>
internal static class TimelapseStripVerb
{
    public const string Usage = "usage: timelapse-strip [--photos DIR] [--out docs/images/timelapse-strip.jpg]";

    public static int Run(string[] args)
    {
        var (flags, _) = CliVerbs.Parse(args);
        var folder = flags.GetValueOrDefault("--photos") ?? Environment.GetEnvironmentVariable("IMAGINAI_PHOTOS") ?? Path.Combine(".cache", "photos");
        var output = flags.GetValueOrDefault("--out") ?? Path.Combine("docs", "images", "timelapse-strip.jpg");
        string[] needed = ["Wood.jpg", "YellowFlower.jpg", "LadyBird.jpg", "Aqua.jpg"];
        if (needed.Any(n => !File.Exists(Path.Combine(folder, n))))
        {
            Console.Error.WriteLine($"timelapse-strip needs {string.Join(", ", needed)} in {folder} (scripts/fetch-photos.sh fetches them).");
            return 2;
        }
        if (!KeypointVerifier.IsAvailable)
        {
            Console.Error.WriteLine(KeypointVerifier.UnavailableReason);
            return 1;
        }
        var scene = File.ReadAllBytes(Path.Combine(folder, needed[0]));
        var work = needed[1..].Select(n => File.ReadAllBytes(Path.Combine(folder, n))).ToArray();

        // Visit k has the first k patches of "work" in it, seen from its own viewpoint and exposure.
        var visits = new List<byte[]> { scene };
        for (var k = 1; k <= 3; k++)
            visits.Add(ChangePairs.Make(WithWork(scene, work, k), null, 500 + k, k % 2 == 0 ? 1.2f : 0.85f, 0.07f).After);

        var verifier = new KeypointVerifier();
        var decode = new DecodeOptions { MinShortSide = verifier.Options.MaxSide };
        using var reference = PhotoDecoder.Decode(visits[0], decode);
        const int tile = 320;
        var tileHeight = tile * reference.Bitmap.Height / reference.Bitmap.Width;
        const int gap = 6;
        using var strip = new SKBitmap(new SKImageInfo(4 * tile + 3 * gap, 2 * tileHeight + gap, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(strip);
        canvas.Clear(SKColors.White);
        var sampling = new SKSamplingOptions(SKCubicResampler.Mitchell);
        for (var k = 0; k < visits.Count; k++)
        {
            using var visit = PhotoDecoder.Decode(visits[k], decode);
            var result = k == 0 ? null : verifier.Verify(visit, reference);
            if (k > 0 && result!.Homography is null)
            {
                Console.Error.WriteLine($"Visit {k + 1} did not align with the first.");
                return 1;
            }
            using var aligned = k == 0 ? visit.Bitmap.Copy()
                : FrameAligner.Warp(visit.Bitmap, result!.Homography!, new SKSizeI(reference.Bitmap.Width, reference.Bitmap.Height));
            using (var raw = SKImage.FromBitmap(visit.Bitmap))
                canvas.DrawImage(raw, SKRect.Create(k * (tile + gap), 0, tile, tileHeight), sampling);
            using (var frame = SKImage.FromBitmap(aligned))
                canvas.DrawImage(frame, SKRect.Create(k * (tile + gap), tileHeight + gap, tile, tileHeight), sampling);
            Console.WriteLine(k == 0 ? "visit 1: the reference" : $"visit {k + 1}: aligned on {result!.Inliers} keypoints");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        File.WriteAllBytes(output, PhotoDecoder.EncodeJpeg(strip, strip.Width, 85));
        Console.WriteLine($"wrote {output} ({strip.Width}×{strip.Height})");
        return 0;
    }

    // The spot with the first k patches of other photos in fixed places: work appearing from one visit to the next.
    private static byte[] WithWork(byte[] scene, byte[][] work, int k)
    {
        using var decoded = PhotoDecoder.Decode(scene, new DecodeOptions { MinShortSide = ChangePairs.Side });
        using var bitmap = decoded.Bitmap.Copy(SKColorType.Rgba8888);
        using var canvas = new SKCanvas(bitmap);
        var (w, h) = (bitmap.Width, bitmap.Height);
        var places = new[] { SKRect.Create(0.12f * w, 0.55f * h, 0.22f * w, 0.3f * h), SKRect.Create(0.45f * w, 0.2f * h, 0.18f * w, 0.25f * h), SKRect.Create(0.7f * w, 0.6f * h, 0.2f * w, 0.25f * h) };
        for (var i = 0; i < k; i++)
        {
            using var patch = PhotoDecoder.Decode(work[i], new DecodeOptions { MinShortSide = 400 });
            using var image = SKImage.FromBitmap(patch.Bitmap);
            canvas.DrawImage(image, places[i], new SKSamplingOptions(SKFilterMode.Linear));
        }
        using var encoded = SKImage.FromBitmap(bitmap);
        using var data = encoded.Encode(SKEncodedImageFormat.Jpeg, 92);
        return data.ToArray();
    }
}
