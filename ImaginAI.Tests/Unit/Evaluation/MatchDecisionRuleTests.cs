using ImaginAI.Tracker.Matching;

namespace ImaginAI.Tests.Unit.Evaluation;

public class MatchDecisionRuleTests
{
    private static readonly MatchRuleSettings Settings = new();

    [Fact]
    public void Decide_OpenSetPhotoWithHighCnnScoreButNoGeometricSupport_EndsUnmatched()
    {
        // A photo of a place in no milestone: its nearest milestone scores far above the threshold, yet no candidate
        // shares a viewpoint with it (a handful of inliers, as two unrelated photos give).
        MilestoneCandidate[] candidates = [new(7, 0.93f, Inliers: 6), new(3, 0.71f, Inliers: 4), new(5, 0.64f, Inliers: 0)];

        var decision = MatchDecisionRule.Decide(candidates, verificationAvailable: true, Settings);

        Assert.False(decision.Matched);
        Assert.Null(decision.MilestoneId);
        Assert.Equal("no-geometric-support", decision.Explanation.Basis);
        Assert.Contains("0.930", decision.Explanation.Text);
        Assert.Contains("6 keypoint matches", decision.Explanation.Text);
    }

    [Fact]
    public void Decide_WithoutVerificationHighScoreButLowMargin_EndsUnmatched()
    {
        // Fallback on a machine without OpenCV: 0.90 clears the threshold, but another milestone is just as close.
        MilestoneCandidate[] candidates = [new(7, 0.90f), new(3, 0.89f)];

        var decision = MatchDecisionRule.Decide(candidates, verificationAvailable: false, Settings);

        Assert.False(decision.Matched);
        Assert.Equal("ambiguous", decision.Explanation.Basis);
        Assert.Contains("unavailable", decision.Explanation.Text);
    }

    [Fact]
    public void Decide_SecondCnnCandidateHasTheGeometricSupport_MatchesThatMilestone()
    {
        // An occluded revisit: another milestone looks more alike overall, but only milestone 3 shares the viewpoint.
        MilestoneCandidate[] candidates = [new(7, 0.78f, Inliers: 9), new(3, 0.74f, Inliers: 160)];

        var decision = MatchDecisionRule.Decide(candidates, verificationAvailable: true, Settings);

        Assert.True(decision.Matched);
        Assert.Equal(3, decision.MilestoneId);
        Assert.Equal(160, decision.Explanation.Inliers);
        Assert.Equal("verified", decision.Explanation.Basis);
    }

    [Fact]
    public void Decide_WithoutVerificationClearWinner_MatchesAndExplainsTheNumbers()
    {
        MilestoneCandidate[] candidates = [new(7, 0.91f), new(3, 0.62f)];

        var decision = MatchDecisionRule.Decide(candidates, verificationAvailable: false, Settings);

        Assert.True(decision.Matched);
        Assert.Equal(7, decision.MilestoneId);
        Assert.Equal(0.29f, decision.Explanation.Margin!.Value, 3);
    }

    [Fact]
    public void Decide_NoMilestones_EndsUnmatchedSayingWhy()
    {
        var decision = MatchDecisionRule.Decide([], verificationAvailable: true, Settings);

        Assert.False(decision.Matched);
        Assert.Contains("No milestone", decision.Explanation.Text);
    }
}
