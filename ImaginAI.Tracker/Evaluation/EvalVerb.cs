using System.Text.Json;
using ImaginAI.Tracker.Matching;
using ImaginAI.Vision;
using ImaginAI.Vision.Verification;

namespace ImaginAI.Tracker.Evaluation;

/// <summary>
/// `eval DIR [--model M] [--backend B] [--threshold T] [--min-margin M] [--min-inliers N] [--candidates K]
/// [--no-verify] [--verify-side PX] [--whiten D] [--gallery-crops] [--json FILE] [--evidence FILE]` and the hidden `make-eval-set SCENES OCCLUDERS DEST`.
/// </summary>
public static class EvalVerb
{
    public const string Usage =
        "usage: eval DIR [--model M] [--backend B] [--threshold T] [--min-margin M] [--min-inliers N] [--candidates K] [--no-verify] [--verify-side PX] [--whiten D] [--gallery-crops] [--json FILE] [--evidence FILE]";

    // args are those after the verb; --model and --backend override the configured vision options.
    public static Task<int> RunAsync(string[] args, VisionOptions vision, TextWriter output, TextWriter error)
    {
        string? directory = null, model = null, backend = null, json = null, evidence = null;
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
                    case "--verify-side": verification = verification with { MaxSide = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) }; break;
                    case "--whiten": options = options with { WhitenDims = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) }; break;
                    case var a when a.StartsWith("--", StringComparison.Ordinal): throw new ArgumentException($"Unknown option {a}.");
                    default: directory = directory is null ? args[i] : throw new ArgumentException($"Unexpected argument {args[i]}."); break;
                }
            }
            if (directory is null) throw new ArgumentException("Name the evaluation folder.");
            directory = FromCallerDirectory(directory);
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
            var set = EvalSetReader.Read(directory);
            vision.Model = model ?? vision.Model;
            vision.Backend = backend ?? vision.Backend;
            using var extractor = VisionEngine.Create(vision);
            output.WriteLine($"evaluating {set.Queries.Count} queries against {set.Gallery.Count} gallery photos with {extractor.Model.Id}");
            var report = new EvalRunner(extractor, new KeypointVerifier(verification), output).Run(set, options with { Rule = rule });
            output.Write(report.ToTable());
            json ??= FromCallerDirectory(Path.Combine("bench-results", $"eval-{Path.GetFileName(directory.TrimEnd('/'))}.json"));
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
            File.WriteAllText(json, JsonSerializer.Serialize(report, JsonOptions));
            output.WriteLine($"json: {json}");
            if (evidence is not null)
            {
                File.WriteAllText(evidence, JsonSerializer.Serialize(report.Evidence, JsonOptions));
                output.WriteLine($"evidence: {evidence}");
            }
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
        if (args.Length != 3)
        {
            error.WriteLine("usage: make-eval-set SCENE_PHOTOS_DIR OCCLUDER_PHOTOS_DIR DEST_DIR");
            return Task.FromResult(2);
        }
        var summary = new EvalSetGenerator().Generate(FromCallerDirectory(args[0]), FromCallerDirectory(args[1]), FromCallerDirectory(args[2]), output);
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
