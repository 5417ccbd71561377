using ImaginAI.Tracker.Matching;

namespace ImaginAI.Tests.Unit.Matching;

public class CalibrationTests
{
    // Rejected and confirmed decisions, scores and inliers far apart: n of each kind.
    private static List<LabelledExample> Separable(int perKind) =>
    [
        .. Enumerable.Range(0, perKind).Select(i => new LabelledExample(0.50 + i * 0.02, i % 4, ShouldMatch: false)),
        .. Enumerable.Range(0, perKind).Select(i => new LabelledExample(0.80 + i * 0.01, 40 + i * 10, ShouldMatch: true)),
    ];

    [Fact]
    public void AdviseMinInliers_TwoExamples_SuggestsNothingAndSaysHowManyMoreAreNeeded()
    {
        // The case that proposed 827 keypoints: one rejection and one confirmation far apart.
        var advice = Calibration.AdviseMinInliers([new(0.7, 20, false), new(0.9, 1634, true)], current: 15);

        Assert.Null(advice.Suggestion);
        Assert.Equal((1, 1), (advice.ShouldMatch, advice.ShouldNotMatch));
        Assert.Equal(2 * Calibration.MinExamplesPerKind - 2, advice.MoreNeeded);
    }

    [Fact]
    public void AdviseThreshold_EnoughSeparableExamples_ProposesTheMidpointOfTheGapWithItsCertainty()
    {
        var examples = Separable(Calibration.MinExamplesPerKind);
        var highestRejected = examples.Where(e => !e.ShouldMatch).Max(e => e.BestScore);

        var suggestion = Calibration.AdviseThreshold(examples, current: 0.60).Suggestion!;

        // The current 0.60 accepts the rejections scoring 0.60 and more; the midpoint of the gap gets every one right.
        Assert.Equal(Math.Round((highestRejected + 0.80) / 2, 3), suggestion.Value, 3);
        Assert.Equal((examples.Count, examples.Count), (suggestion.Examples, suggestion.Correct));
        Assert.True(suggestion.CurrentCorrect < examples.Count);
        Assert.Equal(1.0, suggestion.LeaveOneOutAccuracy);
        Assert.InRange(suggestion.IntervalLow, 0.75, 0.85);
        Assert.Equal(1.0, suggestion.IntervalHigh);
    }

    [Fact]
    public void AdviseMinInliers_CurrentSettingAlreadySeparates_KeepsIt()
    {
        var suggestion = Calibration.AdviseMinInliers(Separable(Calibration.MinExamplesPerKind), current: 15).Suggestion!;

        Assert.Equal(15, suggestion.Value);
        Assert.Equal(1.0, suggestion.Accuracy);
    }

    [Fact]
    public void AdviseMinInliers_EveryExampleWithoutInliers_KeepsTheCurrentSetting()
    {
        var examples = Enumerable.Range(0, 2 * Calibration.MinExamplesPerKind).Select(i => new LabelledExample(0.5, 0, i % 2 == 0)).ToList();

        Assert.Equal(15, Calibration.AdviseMinInliers(examples, current: 15).Suggestion!.Value);
    }

    [Fact]
    public void Wilson_TenOfTen_IsSureButNotCertain()
    {
        var (low, high) = Calibration.Wilson(10, 10);

        Assert.InRange(low, 0.72, 0.73);
        Assert.Equal(1.0, high);
    }
}
