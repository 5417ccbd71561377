using System.Globalization;
using System.Text.Json;
using ImaginAI.Tracker.Matching;

namespace ImaginAI.Tracker.Evaluation;

/// <summary>
/// `calibration-study EVIDENCE.json [--trials N] [--seed S]`: how many labelled examples calibration needs before
/// its suggestion can be trusted. From the evidence `eval --evidence` wrote, every query becomes the example a
/// manager's verdict would leave (its best CNN score, the inliers of its best verified milestone, and whether the
/// job's choice was right); random draws of k examples of each kind are given to <see cref="Calibration"/>, and
/// its suggestion is judged on all the other queries against the default setting. Prints a table and one JSON line.
/// </summary>
public static class CalibrationStudyVerb
{
    private const string Usage = "usage: calibration-study EVIDENCE.json [--trials N] [--seed S]";
    private static readonly int[] PerKind = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20];

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var (options, operands) = CliVerbs.Parse(args);
        if (operands.Count != 1 || !File.Exists(operands[0]))
        {
            error.WriteLine(Usage);
            return Task.FromResult(2);
        }
        var trials = options.TryGetValue("--trials", out var t) ? int.Parse(t, CultureInfo.InvariantCulture) : 2000;
        var seed = options.TryGetValue("--seed", out var s) ? int.Parse(s, CultureInfo.InvariantCulture) : 14;
        var evidence = JsonSerializer.Deserialize<List<QueryEvidence>>(File.ReadAllText(operands[0]), new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidDataException("The evidence file is empty.");
        var rule = new MatchRuleSettings();

        var byScore = evidence.Select(q => ByScore(q, rule)).OfType<(double, bool)>().ToList();
        var byInliers = evidence.Select(q => ByInliers(q, rule)).OfType<(double, bool)>().ToList();
        output.WriteLine($"{evidence.Count} queries: {byScore.Count} examples by CNN score ({byScore.Count(e => e.Item2)} should match), " +
                         $"{byInliers.Count} by inliers ({byInliers.Count(e => e.Item2)} should match); {trials} draws per row, seed {seed}");
        output.WriteLine();
        var headline = new Dictionary<string, object>();
        foreach (var (name, examples, current, suggest) in new (string, List<(double, bool)>, double, Func<IReadOnlyList<(double Value, bool ShouldMatch)>, double, double>)[]
                 {
                     ("threshold", byScore, rule.Threshold, Calibration.SuggestThresholdFrom),
                     ("min-inliers", byInliers, rule.MinInliers, Calibration.SuggestMinInliersFrom),
                 })
        {
            output.WriteLine($"{name} (default {current.ToString(CultureInfo.InvariantCulture)}): held-out balanced accuracy of the suggestion");
            output.WriteLine("| per kind | mean | worst 5% | default | worse than default by > 2 points | leave-one-out off by (mean) | held-out inside the 95% interval |");
            output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
            var random = new Random(seed);
            var positives = examples.Where(e => e.Item2).ToList();
            var negatives = examples.Where(e => !e.Item2).ToList();
            foreach (var k in PerKind.Where(k => k < Math.Min(positives.Count, negatives.Count)))
            {
                var (worse, sum, defaultSum, looError, inside) = (0, 0.0, 0.0, 0.0, 0);
                var accuracies = new List<double>(trials);
                for (var trial = 0; trial < trials; trial++)
                {
                    // By position: many examples are equal (every unrelated photo has 0 inliers), and each counts.
                    var shuffledPositives = positives.OrderBy(_ => random.Next()).ToList();
                    var shuffledNegatives = negatives.OrderBy(_ => random.Next()).ToList();
                    var drawn = shuffledPositives.Take(k).Concat(shuffledNegatives.Take(k)).Select(e => (Value: e.Item1, ShouldMatch: e.Item2)).ToList();
                    var value = suggest(drawn, current);
                    var heldOut = shuffledPositives.Skip(k).Concat(shuffledNegatives.Skip(k)).Select(e => (Value: e.Item1, ShouldMatch: e.Item2)).ToList();
                    var accuracy = Balanced(heldOut, value);
                    var defaultAccuracy = Balanced(heldOut, current);
                    sum += accuracy;
                    accuracies.Add(accuracy);
                    defaultSum += defaultAccuracy;
                    if (accuracy < defaultAccuracy - 0.02) worse++;
                    var looCorrect = drawn.Where((e, i) => (e.Value >= suggest(drawn.Where((_, j) => j != i).ToList(), current)) == e.ShouldMatch).Count();
                    looError += Math.Abs((double)looCorrect / drawn.Count - accuracy);
                    var (low, high) = Calibration.Wilson(looCorrect, drawn.Count);
                    if (accuracy >= low && accuracy <= high) inside++;
                }
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {k} | {sum / trials:P1} | {accuracies.Order().ElementAt(trials / 20):P1} | {defaultSum / trials:P1} | {(double)worse / trials:P1} | {looError / trials * 100:0.0} points | {(double)inside / trials:P1} |"));
                headline[$"{name}_loo_off_at_{k}"] = Math.Round(looError / trials, 4);
                headline[$"{name}_covered_at_{k}"] = Math.Round((double)inside / trials, 4);
            }
            output.WriteLine();
        }
        output.WriteLine(JsonSerializer.Serialize(headline));
        return Task.FromResult(0);
    }

    // Each kind weighs the same, so the result does not depend on how many open-set queries the set happens to have.
    private static double Balanced(IReadOnlyList<(double Value, bool ShouldMatch)> examples, double cut)
    {
        var positives = examples.Where(e => e.ShouldMatch).ToList();
        var negatives = examples.Where(e => !e.ShouldMatch).ToList();
        return (positives.Count(e => e.Value >= cut) / (double)positives.Count + negatives.Count(e => e.Value < cut) / (double)negatives.Count) / 2;
    }

    // Without keypoint checks the job picks the best-scoring milestone; its choice is right when that is the query's scene.
    private static (double, bool)? ByScore(QueryEvidence query, MatchRuleSettings rule)
    {
        var best = query.Milestones.MaxBy(m => m.Score);
        return best is null ? null : (best.Score, query.SceneInGallery && best.Scene == query.Scene);
    }

    // With them, the verified milestone with most inliers; a query with none verified leaves no inlier example.
    private static (double, bool)? ByInliers(QueryEvidence query, MatchRuleSettings rule)
    {
        var strongest = query.Milestones.Where(m => m.Inliers is not null && m.Score >= rule.CandidateFloor)
            .OrderByDescending(m => m.Inliers).ThenByDescending(m => m.Score).FirstOrDefault();
        return strongest is null ? null : (strongest.Inliers!.Value, query.SceneInGallery && strongest.Scene == query.Scene);
    }
}
