namespace ImaginAI.Tracker.Matching;

/// <summary>A manager's verdict on one of the job's decisions, with the numbers the job had.</summary>
public sealed record LabelledExample(double BestScore, int? Inliers, bool ShouldMatch);

/// <summary>
/// A proposed setting, how many labelled examples it (and the current setting) gets right, and how sure that is:
/// the leave-one-out accuracy (each example judged by the setting learnt without it) with its 95% Wilson interval.
/// </summary>
public sealed record Suggestion(
    double Value, int Examples, int Correct, double Accuracy, int CurrentCorrect, double CurrentAccuracy,
    int LeaveOneOutCorrect, double LeaveOneOutAccuracy, double IntervalLow, double IntervalHigh);

/// <summary>What the examples can tell about one setting: a suggestion once there are enough of them, else how many more.</summary>
public sealed record SettingAdvice(int Examples, int ShouldMatch, int ShouldNotMatch, int MoreNeeded, Suggestion? Suggestion);

/// <summary>
/// Proposes the threshold (CNN score) and the minimum inliers that best separate the photos managers said belong
/// to their milestone from those they said do not (the current setting stays when no other gets more of them right).
/// Pure: the caller shows the result before anything is applied.
/// </summary>
public static class Calibration
{
    /// <summary>
    /// Examples of each kind (should match, should not) needed before anything is suggested. Measured by the
    /// <c>calibration-study</c> verb on the public evaluation set (docs/BENCHMARKS.md, "Calibration: how many examples"):
    /// with fewer, a suggestion learnt from a random draw did worse than the default on the other photos too often.
    /// </summary>
    public const int MinExamplesPerKind = 8;

    public static SettingAdvice AdviseThreshold(IReadOnlyList<LabelledExample> examples, double current) =>
        Advise(examples.Select(e => (e.BestScore, e.ShouldMatch)).ToList(), current, SuggestThresholdFrom);

    public static SettingAdvice AdviseMinInliers(IReadOnlyList<LabelledExample> examples, int current) =>
        Advise(examples.Where(e => e.Inliers is not null).Select(e => ((double)e.Inliers!.Value, e.ShouldMatch)).ToList(), current, SuggestMinInliersFrom);

    /// <summary>The best threshold for these examples, with no minimum count (the study measures small counts too).</summary>
    public static double SuggestThresholdFrom(IReadOnlyList<(double Value, bool ShouldMatch)> labelled, double current) =>
        // Midway between neighbouring scores, so a new photo scoring like an example is judged like it.
        Best(labelled, current, scores => Midpoints(scores).Where(t => t is > 0 and <= 1), value => Math.Round(value, 3));

    /// <summary>The best minimum of inliers for these examples, with no minimum count.</summary>
    public static double SuggestMinInliersFrom(IReadOnlyList<(double Value, bool ShouldMatch)> labelled, double current) =>
        Best(labelled, current, counts => Midpoints(counts).Where(n => n is >= 4 and <= 1000), Math.Ceiling);

    /// <summary>How many of the examples a cut gets right: those that should match at or above it, the rest below.</summary>
    public static int CorrectAt(IReadOnlyList<(double Value, bool ShouldMatch)> labelled, double cut) =>
        labelled.Count(l => (l.Value >= cut) == l.ShouldMatch);

    private static SettingAdvice Advise(List<(double Value, bool ShouldMatch)> labelled, double current,
        Func<IReadOnlyList<(double Value, bool ShouldMatch)>, double, double> suggest)
    {
        var should = labelled.Count(l => l.ShouldMatch);
        var shouldNot = labelled.Count - should;
        var moreNeeded = Math.Max(0, MinExamplesPerKind - should) + Math.Max(0, MinExamplesPerKind - shouldNot);
        if (moreNeeded > 0) return new SettingAdvice(labelled.Count, should, shouldNot, moreNeeded, null);

        var value = suggest(labelled, current);
        var correct = CorrectAt(labelled, value);
        var currentCorrect = CorrectAt(labelled, current);
        // Each example judged by the setting learnt from all the others: an honest estimate of how the suggestion
        // does on photos it has not seen, where its own accuracy flatters it.
        var leaveOneOut = 0;
        for (var i = 0; i < labelled.Count; i++)
        {
            var others = labelled.Where((_, j) => j != i).ToList();
            var cut = suggest(others, current);
            if ((labelled[i].Value >= cut) == labelled[i].ShouldMatch) leaveOneOut++;
        }
        var (low, high) = Wilson(leaveOneOut, labelled.Count);
        var n = labelled.Count;
        return new SettingAdvice(n, should, shouldNot, 0, new Suggestion(
            value, n, correct, (double)correct / n, currentCorrect, (double)currentCorrect / n,
            leaveOneOut, (double)leaveOneOut / n, low, high));
    }

    private static double Best(IReadOnlyList<(double Value, bool ShouldMatch)> labelled, double current,
        Func<IReadOnlyList<double>, IEnumerable<double>> candidatesOf, Func<double, double> round)
    {
        if (labelled.Count == 0 || labelled.All(l => l.ShouldMatch) || labelled.All(l => !l.ShouldMatch)) return current;
        // Sorted once, so each candidate is counted with two binary searches instead of a pass over the examples
        // (leave-one-out calls this once per example).
        var positives = labelled.Where(l => l.ShouldMatch).Select(l => l.Value).Order().ToArray();
        var negatives = labelled.Where(l => !l.ShouldMatch).Select(l => l.Value).Order().ToArray();
        int Correct(double cut) => positives.Length - LowerBound(positives, cut) + LowerBound(negatives, cut);
        var values = labelled.Select(l => l.Value).Distinct().Order().ToList();
        // Most examples right; among equals the stricter setting, since a wrong match costs more than a review.
        var candidates = candidatesOf(values).Select(round).Distinct()
            .Select(cut => (Cut: cut, Correct: Correct(cut)))
            .OrderByDescending(c => c.Correct).ThenByDescending(c => c.Cut).ToList();
        // No value in range to choose (every example had 0 inliers, say): nothing to move to.
        if (candidates.Count == 0) return current;
        var best = candidates[0];
        // A setting the examples cannot improve on stays: they are no reason to move a measured default.
        return Correct(current) >= best.Correct ? current : best.Cut;
    }

    // How many of the sorted values lie below the cut.
    private static int LowerBound(double[] sorted, double cut)
    {
        var (low, high) = (0, sorted.Length);
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (sorted[middle] < cut) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    /// <summary>The 95% Wilson score interval of a proportion: sensible at small counts and at 0% or 100%.</summary>
    public static (double Low, double High) Wilson(int successes, int trials)
    {
        if (trials == 0) return (0, 1);
        const double z = 1.96;
        var p = (double)successes / trials;
        var denominator = 1 + z * z / trials;
        var centre = (p + z * z / (2 * trials)) / denominator;
        var half = z * Math.Sqrt(p * (1 - p) / trials + z * z / (4.0 * trials * trials)) / denominator;
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    private static IEnumerable<double> Midpoints(IReadOnlyList<double> sorted)
    {
        for (var i = 0; i + 1 < sorted.Count; i++) yield return (sorted[i] + sorted[i + 1]) / 2;
        if (sorted.Count > 0) yield return sorted[^1] + 0.001;
    }
}
