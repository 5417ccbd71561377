using System.Text.Json;
using ImaginAI.Tracker.Matching;
using ImaginAI.Vision;
using ImaginAI.Vision.Verification;

namespace ImaginAI.Tracker.Evaluation;

/// <summary>
/// `eval DIR [DIR...] [options]` (see <see cref="Usage"/>: each folder is evaluated and reported in turn) and the
/// hidden `make-eval-set SCENES OCCLUDERS DEST [--low-texture DIR] [--pairs DEST2] [--seed N]`.
/// </summary>
public static class EvalVerb
{
    public const string Usage =
        "usage: eval DIR [DIR...] [--model M] [--backend B] [--threshold T] [--min-margin M] [--min-inliers N] [--candidates K] [--references R] " +
        "[--no-verify] [--verify-side PX] [--max-upscale F] [--min-keypoints N] [--min-coverage C] [--spread N] [--no-evidence-threshold T|off] " +
        "[--no-evidence-margin M] [--partial N] [--partial-margin M] [--filled-threshold T|off] [--filled-margin M] [--min-layout T|off] [--min-filled-layout T|off] [--busy-per-cell N] " +
        "[--busy-max-share S] [--whiten D] [--gallery-crops] [--regional] [--no-cache] [--json FILE] [--evidence FILE]";

    // args are those after the verb; --model and --backend override the configured vision options.
    public static Task<int> RunAsync(string[] args, VisionOptions vision, TextWriter output, TextWriter error)
    {
        var directories = new List<string>();
        string? model = null, backend = null, json = null, evidence = null;
        var useCache = true;
        static float Float(string value) => float.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        static int Int(string value) => int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        var rule = new MatchRuleSettings();
        var options = new EvalRunOptions();
        var verification = new VerificationOptions();
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                switch (args[i])
                {
                    case "--model": model = Next(); break;
                    case "--backend": backend = Next(); break;
                    case "--json": json = Next(); break;
                    case "--evidence": evidence = Next(); break;
                    case "--threshold": rule = rule with { Threshold = float.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) }; break;
                    case "--min-margin": rule = rule with { MinMargin = float.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) }; break;
                    case "--min-inliers": rule = rule with { MinInliers = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) }; break;
                    case "--candidates": options = options with { VerifiedCandidates = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) }; break;
                    case "--no-verify": options = options with { Verify = false }; break;
                    case "--gallery-crops": options = options with { GalleryCrops = true }; break;
                    case "--regional": options = options with { Regional = true }; break;
                    case "--verify-side": verification = verification with { MaxSide = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) }; break;
                    case "--whiten": options = options with { WhitenDims = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) }; break;
                    case "--references": options = options with { ReferencesPerMilestone = Int(Next()) }; break;
                    case "--max-upscale": verification = verification with { MaxUpscale = Float(Next()) }; break;
                    case "--min-keypoints": verification = verification with { MinEvidenceKeypoints = Int(Next()) }; break;
                    case "--min-coverage": verification = verification with { MinEvidenceCoverage = Float(Next()) }; break;
                    case "--spread": verification = verification with { SpreadPerCell = Int(Next()) }; break;
                    case "--no-evidence-threshold": rule = rule with { NoEvidenceThreshold = Next() is "off" ? null : Float(args[i]) }; break;
                    case "--no-evidence-margin": rule = rule with { NoEvidenceMargin = Float(Next()) }; break;
                    case "--partial": rule = rule with { PartialMinInliers = Next() is "off" ? null : Int(args[i]) }; break;
                    case "--partial-margin": rule = rule with { PartialMinMargin = Float(Next()) }; break;
                    case "--no-cache": useCache = false; break;
                    case "--busy-per-cell": verification = verification with { BusyMinPerCell = Int(Next()) }; break;
                    case "--busy-max-share": verification = verification with { BusyMaxShare = Float(Next()) }; break;
                    case "--filled-threshold": rule = rule with { FilledThreshold = Next() is "off" ? null : Float(args[i]) }; break;
                    case "--filled-margin": rule = rule with { FilledMargin = Float(Next()) }; break;
                    case "--min-layout": rule = rule with { MinLayoutAgreement = Next() is "off" ? null : Float(args[i]) }; break;
                    case "--min-filled-layout": rule = rule with { MinFilledLayoutAgreement = Next() is "off" ? null : Float(args[i]) }; break;
                    case var a when a.StartsWith("--", StringComparison.Ordinal): throw new ArgumentException($"Unknown option {a}.");
                    default: directories.Add(FromCallerDirectory(args[i])); break;
                }
            }
            if (directories.Count == 0) throw new ArgumentException("Name the evaluation folder.");
            if (directories.Count > 1 && (json is not null || evidence is not null))
                throw new ArgumentException("--json and --evidence name one file: give one folder with them.");
            json = json is null ? null : FromCallerDirectory(json);
            evidence = evidence is null ? null : FromCallerDirectory(evidence);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            error.WriteLine(e.Message);
            error.WriteLine(Usage);
            return Task.FromResult(2);
        }

        try
        {
            vision.Model = model ?? vision.Model;
            vision.Backend = backend ?? vision.Backend;
            using var extractor = VisionEngine.Create(vision);
            options = options with
            {
                Rule = rule,
                Line = new EvidenceLine(verification.MinEvidenceKeypoints, verification.MinEvidenceCoverage),
                CacheDirectory = useCache ? FromCallerDirectory(Path.Combine("bench-results", "eval-cache")) : null,
            };
            var headline = new List<object>();
            foreach (var directory in directories)
            {
                var set = EvalSetReader.Read(directory);
                output.WriteLine($"evaluating {Path.GetFileName(directory.TrimEnd('/'))}: {set.Queries.Count} queries against {set.Gallery.Count} gallery photos with {extractor.Model.Id}");
                var report = new EvalRunner(extractor, new KeypointVerifier(verification), output).Run(set, options);
                output.Write(report.ToTable());
                var file = json ?? FromCallerDirectory(Path.Combine("bench-results", $"eval-{Path.GetFileName(directory.TrimEnd('/'))}.json"));
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
                File.WriteAllText(file, JsonSerializer.Serialize(report, JsonOptions));
                output.WriteLine($"json: {file}");
                if (evidence is not null)
                {
                    File.WriteAllText(evidence, JsonSerializer.Serialize(report.Evidence, JsonOptions));
                    output.WriteLine($"evidence: {evidence}");
                }
                output.WriteLine();
                headline.Add(new
                {
                    set = Path.GetFileName(directory.TrimEnd('/')),
                    correct = Math.Round(report.Kept.Summary.Accuracy, 4),
                    falseMatches = Math.Round(report.Kept.Summary.FalseMatchRate, 4),
                    wrongMilestone = Math.Round(report.Kept.Summary.WrongMilestoneRate, 4),
                    top1 = Math.Round((report.VerifiedRetrieval ?? report.Retrieval).Top1, 4),
                    msPerPhoto = Math.Round(report.Timing.TotalMsPerPhoto, 1),
                });
            }
            // One line of headline figures, the kept rule on each set.
            output.WriteLine(JsonSerializer.Serialize(headline));
            return Task.FromResult(0);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ModelUnavailableException or UnauthorizedAccessException)
        {
            error.WriteLine(e.Message);
            return Task.FromResult(1);
        }
    }

    // args are those after the verb: scene photos folder, occluder photos folder, destination.
    public static Task<int> MakeEvalSetAsync(string[] args, TextWriter output, TextWriter error)
    {
        string? lowTexture = null, pairs = null;
        int? seed = null;
        var positional = new List<string>();
        for (var i = 0; i < args.Length; i++)
            switch (args[i])
            {
                case "--low-texture" when i + 1 < args.Length: lowTexture = FromCallerDirectory(args[++i]); break;
                case "--pairs" when i + 1 < args.Length: pairs = FromCallerDirectory(args[++i]); break;
                case "--seed" when i + 1 < args.Length && int.TryParse(args[i + 1], out var given): seed = given; i++; break;
                default: positional.Add(args[i]); break;
            }
        if (positional.Count != 3)
        {
            error.WriteLine("usage: make-eval-set SCENE_PHOTOS_DIR OCCLUDER_PHOTOS_DIR DEST_DIR [--low-texture DIR] [--pairs DEST2_DIR] [--seed N]");
            return Task.FromResult(2);
        }
        args = [.. positional];
        var generator = seed is { } chosen ? new EvalSetGenerator(chosen) : new EvalSetGenerator();
        var summary = generator.Generate(FromCallerDirectory(args[0]), FromCallerDirectory(args[1]), FromCallerDirectory(args[2]), output,
            lowTexture, pairs);
        output.WriteLine($"{summary.Scenes} scenes ({summary.GalleryScenes} in the gallery, {summary.OpenSetScenes} open-set), {summary.Queries} queries in {args[2]}");
        return Task.FromResult(0);
    }

    // `dotnet run --project` starts the app in the project folder; relative paths mean the shell's folder ($PWD).
    private static string FromCallerDirectory(string path) =>
        Path.IsPathRooted(path) || Environment.GetEnvironmentVariable("PWD") is not { Length: > 0 } caller
            ? Path.GetFullPath(path)
            : Path.GetFullPath(Path.Combine(caller, path));

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
