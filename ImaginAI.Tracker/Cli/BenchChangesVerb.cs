using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ImaginAI.Vision.Alignment;
using ImaginAI.Vision.Decoding;
using ImaginAI.Vision.Verification;

namespace ImaginAI.Tracker.Cli;

/// <summary>
/// <c>bench changes [--photos DIR]</c>: the change overlay on pairs with a known change built from real photos
/// (<see cref="ChangePairs"/>): an object pasted into the later visit, its exposure and viewpoint varied, and control
/// pairs with no change. The overlay's settings against the same run's baseline (plain differencing after
/// alignment: no exposure matching, no tolerance). Prints a table and ends with one JSON line.
/// </summary>
internal static class BenchChangesVerb
{
    public const string Usage = "usage: bench changes [--photos DIR]";

    private sealed record Variant(string Name, float Gain, float ViewShift);

    private static readonly Variant[] Variants =
    [
        new("same light, small move", 1.0f, 0.02f),
        new("darker (0.75), moved", 0.75f, 0.05f),
        new("brighter (1.3), moved more", 1.3f, 0.08f),
    ];

    public static int Run(string[] args)
    {
        var (flags, _) = CliVerbs.Parse(args);
        var folder = flags.GetValueOrDefault("--photos") ?? Environment.GetEnvironmentVariable("IMAGINAI_PHOTOS") ?? Path.Combine(".cache", "photos");
        var scenes = Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.jpg").Where(f => !Path.GetFileName(f).StartsWith("Elephants", StringComparison.Ordinal)).Order().ToList()
            : [];
        if (scenes.Count < 2)
        {
            Console.Error.WriteLine($"bench changes needs at least two real photos in {folder} (scripts/fetch-photos.sh fetches them).");
            return 2;
        }
        if (!KeypointVerifier.IsAvailable)
        {
            Console.Error.WriteLine(KeypointVerifier.UnavailableReason);
            return 1;
        }

        var methods = new (string Name, ChangeOptions Options)[]
        {
            ("overlay (default settings)", new ChangeOptions()),
            ("baseline: plain difference", new ChangeOptions { NormaliseExposure = false, ToleranceRadius = 0 }),
        };
        var pairs = new List<ChangePair>();
        for (var s = 0; s < scenes.Count; s++)
        {
            var scene = File.ReadAllBytes(scenes[s]);
            var other = File.ReadAllBytes(scenes[(s + 1) % scenes.Count]);
            var name = Path.GetFileNameWithoutExtension(scenes[s]);
            for (var v = 0; v < Variants.Length; v++)
                pairs.Add(ChangePairs.Make(scene, other, 1000 * s + v, Variants[v].Gain, Variants[v].ViewShift, $"{name} · {Variants[v].Name}"));
            pairs.Add(ChangePairs.Make(scene, null, 1000 * s + 99, 1.2f, 0.05f, $"{name} · control (no change)"));
        }

        var verifier = new KeypointVerifier();
        var scores = methods.Select(_ => new List<PairScore>()).ToArray();
        var unaligned = 0;
        foreach (var pair in pairs)
        {
            var decode = new DecodeOptions { MinShortSide = verifier.Options.MaxSide };
            using var before = PhotoDecoder.Decode(pair.Before, decode);
            using var after = PhotoDecoder.Decode(pair.After, decode);
            var homography = verifier.Verify(before, after).Homography;
            if (homography is null)
            {
                unaligned++;
                continue;
            }
            // Alternate the methods pair by pair, so the machine's load falls on both alike.
            for (var m = 0; m < methods.Length; m++)
            {
                var clock = Stopwatch.StartNew();
                var result = ChangeDetector.Detect(before.Bitmap, after.Bitmap, homography, methods[m].Options);
                clock.Stop();
                scores[m].Add(PairScore.Of(result, pair, after.Bitmap.Width, after.Bitmap.Height, clock.Elapsed.TotalMilliseconds));
            }
        }

        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        Console.WriteLine($"bench changes: {pairs.Count} pairs from {scenes.Count} real photos ({pairs.Count(p => p.Pasted is not null)} with a pasted object, " +
                          $"{pairs.Count(p => p.Pasted is null)} controls), {unaligned} not aligned; {Environment.ProcessorCount} cores, load {load}");
        Console.WriteLine();
        Console.WriteLine($"{"method",-28} {"variant",-28} {"pairs",5} {"IoU mean",9} {"IoU med",8} {"found",6} {"false alarm",12} {"ms/pair",8}");
        var headline = new Dictionary<string, object>();
        for (var m = 0; m < methods.Length; m++)
        {
            foreach (var variant in Variants)
                Row(methods[m].Name, variant.Name, scores[m].Where(s => s.Name.EndsWith(variant.Name, StringComparison.Ordinal)).ToList());
            var pasted = scores[m].Where(s => s.Pasted).ToList();
            var controls = scores[m].Where(s => !s.Pasted).ToList();
            Row(methods[m].Name, "all pasted", pasted);
            Row(methods[m].Name, "controls (no change)", controls);
            var key = m == 0 ? "overlay" : "baseline";
            headline[key + "MeanIoU"] = Math.Round(pasted.Average(s => s.IoU), 3);
            headline[key + "Found"] = Math.Round(pasted.Count(s => s.IoU >= 0.5) / (double)pasted.Count, 3);
            headline[key + "FalseAlarmPct"] = Math.Round(100 * pasted.Average(s => s.FalseAlarm), 2);
            headline[key + "ControlFalseAlarmPct"] = Math.Round(100 * controls.Average(s => s.FalseAlarm), 2);
            headline[key + "MsPerPair"] = Math.Round(scores[m].Select(s => s.Ms).Order().ElementAt(scores[m].Count / 2), 1);
        }
        headline["pairs"] = pairs.Count;
        headline["unaligned"] = unaligned;
        headline["load"] = load;
        Console.WriteLine();
        Console.WriteLine("found = IoU with the pasted region ≥ 0.5; false alarm = area marked outside the pasted region, as % of the overlap.");
        Console.WriteLine(JsonSerializer.Serialize(headline));
        return 0;
    }

    private static void Row(string method, string variant, List<PairScore> rows)
    {
        if (rows.Count == 0) return;
        var iou = rows.Select(r => r.IoU).Order().ToList();
        var pasted = rows.All(r => r.Pasted);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{method,-28} {variant,-28} {rows.Count,5} {(pasted ? iou.Average().ToString("F3", CultureInfo.InvariantCulture) : "–"),9} " +
            $"{(pasted ? iou[iou.Count / 2].ToString("F3", CultureInfo.InvariantCulture) : "–"),8} " +
            $"{(pasted ? $"{rows.Count(r => r.IoU >= 0.5)}/{rows.Count}" : "–"),6} {100 * rows.Average(r => r.FalseAlarm),11:F2}% " +
            $"{rows.Select(r => r.Ms).Order().ElementAt(rows.Count / 2),8:F1}"));
    }
}

/// <summary>How the overlay did on one pair: overlap with the pasted region (IoU) and the area marked elsewhere.</summary>
public sealed record PairScore(string Name, bool Pasted, double IoU, double FalseAlarm, double Ms)
{
    /// <summary>Scores <paramref name="result"/> against the pair's pasted rectangle (in the later photo's pixels, <paramref name="width"/>×<paramref name="height"/> as decoded).</summary>
    public static PairScore Of(ChangeResult result, ChangePair pair, int width, int height, double ms = 0)
    {
        int intersection = 0, union = 0, outside = 0;
        // Working pixel → decoded pixel → the pixel of the photo as built (its long side is ChangePairs.Side).
        var toBuilt = (double)ChangePairs.Side / Math.Max(width, height);
        var (sx, sy) = ((double)width / result.Width * toBuilt, (double)height / result.Height * toBuilt);
        for (var y = 0; y < result.Height; y++)
            for (var x = 0; x < result.Width; x++)
            {
                var i = y * result.Width + x;
                if (result.Overlap[i] == 0) continue;
                var truth = pair.Pasted is { } r && r.Contains((int)((x + 0.5) * sx), (int)((y + 0.5) * sy));
                var found = result.Changed[i] != 0;
                if (truth && found) intersection++;
                if (truth || found) union++;
                if (found && !truth) outside++;
            }
        return new PairScore(pair.Name, pair.Pasted is not null, union == 0 ? 0 : (double)intersection / union,
            result.OverlapPixels == 0 ? 0 : (double)outside / result.OverlapPixels, ms);
    }
}
