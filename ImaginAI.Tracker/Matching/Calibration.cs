namespace ImaginAI.Tracker.Matching;

/// <summary>A manager's verdict on one of the job's decisions, with the numbers the job had.</summary>
public sealed record LabelledExample(double BestScore, int? Inliers, bool ShouldMatch);

/// <summary>A proposed setting and how many labelled examples it (and the current setting) would have got right.</summary>
public sealed record Suggestion(double Value, int Examples, int Correct, double Accuracy, int CurrentCorrect, double CurrentAccuracy);

/// <summary>
/// Proposes the threshold (CNN score) and the minimum inliers that best separate the photos managers said belong
/// to their milestone from those they said do not (the current setting stays when no other gets more of them right).
/// Pure: the caller shows the result before anything is applied.
/// </summary>
public static class Calibration
{
    public static Suggestion? SuggestThreshold(IReadOnlyList<LabelledExample> examples, double current) =>
        Suggest(examples.Select(e => (e.BestScore, e.ShouldMatch)).ToList(), current,
            // Midway between neighbouring scores, so a new photo scoring like an example is judged like it.
            scores => Midpoints(scores).Where(t => t is > 0 and <= 1), value => Math.Round(value, 3));

    public static Suggestion? SuggestMinInliers(IReadOnlyList<LabelledExample> examples, int current) =>
        Suggest(examples.Where(e => e.Inliers is not null).Select(e => ((double)e.Inliers!.Value, e.ShouldMatch)).ToList(), current,
            counts => Midpoints(counts).Where(n => n is >= 4 and <= 1000), Math.Ceiling);

    private static Suggestion? Suggest(List<(double Value, bool ShouldMatch)> labelled, double current,
        Func<IReadOnlyList<double>, IEnumerable<double>> candidatesOf, Func<double, double> round)
    {
        if (labelled.Count == 0 || labelled.All(l => l.ShouldMatch) || labelled.All(l => !l.ShouldMatch)) return null;
        int CorrectAt(double cut) => labelled.Count(l => (l.Value >= cut) == l.ShouldMatch);
        var values = labelled.Select(l => l.Value).Distinct().Order().ToList();
        // Most examples right; among equals the stricter setting, since a wrong match costs more than a review.
        var best = candidatesOf(values).Select(round).Distinct()
            .Select(cut => (Cut: cut, Correct: CorrectAt(cut)))
            .OrderByDescending(c => c.Correct).ThenByDescending(c => c.Cut).First();
        var currentCorrect = CorrectAt(current);
        // A setting the examples cannot improve on stays: a few examples are no reason to move a measured default.
        if (currentCorrect >= best.Correct) best = (current, currentCorrect);
        return new Suggestion(best.Cut, labelled.Count, best.Correct, (double)best.Correct / labelled.Count,
            currentCorrect, (double)currentCorrect / labelled.Count);
    }

    private static IEnumerable<double> Midpoints(IReadOnlyList<double> sorted)
    {
        for (var i = 0; i + 1 < sorted.Count; i++) yield return (sorted[i] + sorted[i + 1]) / 2;
        if (sorted.Count > 0) yield return sorted[^1] + 0.001;
    }
}
