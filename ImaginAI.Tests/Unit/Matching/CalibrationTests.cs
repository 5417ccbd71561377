using ImaginAI.Tracker.Matching;

namespace ImaginAI.Tests.Unit.Matching;

public class CalibrationTests
{
    // Two rejected and two confirmed decisions, scores and inliers far apart.
    private static readonly LabelledExample[] Examples =
    [
        new(0.50, 0, ShouldMatch: false),
        new(0.70, 3, ShouldMatch: false),
        new(0.80, 40, ShouldMatch: true),
        new(0.90, 100, ShouldMatch: true),
    ];

    [Fact]
    public void SuggestThreshold_SeparableExamples_ProposesTheMidpointOfTheGapWithAccuracies()
    {
        var suggestion = Calibration.SuggestThreshold(Examples, current: 0.60)!;

        // 0.75 gets all four right; the current 0.60 accepts the 0.70 rejection: 3 of 4.
        Assert.Equal(0.75, suggestion.Value, 3);
        Assert.Equal((4, 4, 1.0), (suggestion.Examples, suggestion.Correct, suggestion.Accuracy));
        Assert.Equal((3, 0.75), (suggestion.CurrentCorrect, suggestion.CurrentAccuracy));
    }

    [Fact]
    public void SuggestMinInliers_CurrentSettingMissesAMatch_ProposesTheMidpointRoundedUp()
    {
        var suggestion = Calibration.SuggestMinInliers(Examples, current: 50)!;

        // Midpoint of 3 and 40 is 21.5: at least 22 inliers keeps both rejections out and both matches in; 50 loses the 40.
        Assert.Equal(22, suggestion.Value);
        Assert.Equal(1.0, suggestion.Accuracy);
        Assert.Equal(0.75, suggestion.CurrentAccuracy);
    }

    [Fact]
    public void SuggestMinInliers_CurrentSettingAlreadySeparates_KeepsIt()
    {
        var suggestion = Calibration.SuggestMinInliers(Examples, current: 15)!;

        Assert.Equal(15, suggestion.Value);
        Assert.Equal(1.0, suggestion.Accuracy);
    }

    [Fact]
    public void SuggestThreshold_OnlyConfirmations_ProposesNothing()
    {
        Assert.Null(Calibration.SuggestThreshold([new(0.8, null, true), new(0.9, null, true)], current: 0.6));
    }
}
