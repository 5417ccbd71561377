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
    public void Decide_RevisitBehindATruckVerifiedOnSpreadKeypoints_MatchesAndSaysWhyInPlainWords()
    {
        // Real photos, real OpenCV: the revisit's strongest keypoints sit on the pasted patch, the spread pass finds
        // the viewpoint on the rest, and the photo page's explanation says so in words.
        using var reference = ImaginAI.Tests.Unit.Vision.Verification.KeypointVerifierTests.Decode("Blinds.jpg");
        using var revisit = ImaginAI.Tests.Unit.Vision.Verification.KeypointVerifierTests.OccludedRevisit(reference);
        var check = PairCheck.From(new ImaginAI.Vision.Verification.KeypointVerifier().Verify(revisit, reference));
        MilestoneCandidate[] candidates = [new(3, 0.62f, check), new(7, 0.58f, Inliers: 0)];

        var decision = MatchDecisionRule.Decide(candidates, verificationAvailable: true, Settings);

        Assert.True(decision.Matched);
        Assert.Equal(3, decision.MilestoneId);
        Assert.Equal("verified", decision.Explanation.Basis);
        Assert.Contains("spread over the whole frame", decision.Explanation.Text);
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

    [Fact]
    public void Decide_NoKeypointEvidenceAndAConfidentCnnLead_MatchesOnTheCnnScoreAndSaysWhy()
    {
        // A bare wall: the keypoints could say nothing (too few in the photo), and the CNN is very sure.
        var silent = new PairCheck(0, NoEvidence: true, PhotoKeypoints: 12, ReferenceKeypoints: 40);
        MilestoneCandidate[] candidates = [new(7, 0.93f, silent), new(3, 0.62f, silent with { ReferenceKeypoints = 900 })];

        var decision = MatchDecisionRule.Decide(candidates, verificationAvailable: true, Settings);

        Assert.True(decision.Matched);
        Assert.Equal(7, decision.MilestoneId);
        Assert.Equal("no-evidence-cnn-score", decision.Explanation.Basis);
        Assert.Equal("none", decision.Explanation.Evidence);
        Assert.Equal((12, 40), (decision.Explanation.PhotoKeypoints, decision.Explanation.ReferenceKeypoints));
        Assert.Contains("12 keypoints in this photo and 40 in the reference photo", decision.Explanation.Text);
    }

    [Fact]
    public void Decide_NoKeypointEvidenceAndAConfidentCnnLeadButAnotherLayout_LeavesItForReviewSayingItMayBeALookAlike()
    {
        // Two skies: the CNN is sure, but the photo is dark where the reference is light. Measured (0.21), the layout
        // refuses; not yet measured (null), the CNN's decision stands, and the matching job then measures it.
        var silent = new PairCheck(0, NoEvidence: true, PhotoKeypoints: 12, ReferenceKeypoints: 40);
        MilestoneCandidate[] candidates = [new(7, 0.93f, silent) { Layout = 0.21f }, new(3, 0.62f, silent with { ReferenceKeypoints = 900 })];

        var decision = MatchDecisionRule.Decide(candidates, verificationAvailable: true, Settings);
        var laidOutAlike = MatchDecisionRule.Decide([candidates[0] with { Layout = 0.88f }, candidates[1]], verificationAvailable: true, Settings);
        var notMeasured = MatchDecisionRule.Decide([candidates[0] with { Layout = null }, candidates[1]], verificationAvailable: true, Settings);
        var checkOff = MatchDecisionRule.Decide(candidates, verificationAvailable: true, Settings with { MinLayoutAgreement = null });

        Assert.Equal((false, "layout-differs", "none"), (decision.Matched, decision.Explanation.Basis, decision.Explanation.Evidence));
        Assert.Contains("another place that looks alike", decision.Explanation.Text);
        Assert.Contains("0.21", decision.Explanation.Text);
        Assert.Equal((true, 7L), (laidOutAlike.Matched, laidOutAlike.MilestoneId));
        Assert.Contains("layout agreement 0.88, needed 0.55", laidOutAlike.Explanation.Text);
        Assert.Equal((true, "no-evidence-cnn-score"), (notMeasured.Matched, notMeasured.Explanation.Basis));
        Assert.Equal((true, 7L), (checkOff.Matched, checkOff.MilestoneId));
    }

    [Fact]
    public void Decide_EvidenceAgainstWithTheSameCnnLead_StillRefuses()
    {
        // The same scores, but both photos had keypoints enough and they agree with no single viewpoint.
        var against = new PairCheck(3, NoEvidence: false, PhotoKeypoints: 1800, ReferenceKeypoints: 1700);
        MilestoneCandidate[] candidates = [new(7, 0.93f, against), new(3, 0.62f, against)];

        var decision = MatchDecisionRule.Decide(candidates, verificationAvailable: true, Settings);

        Assert.False(decision.Matched);
        Assert.Equal("no-geometric-support", decision.Explanation.Basis);
        Assert.Equal("against", decision.Explanation.Evidence);
    }

    [Fact]
    public void Decide_NoKeypointEvidenceButASmallCnnLead_LeavesItForReview()
    {
        var silent = new PairCheck(0, NoEvidence: true, PhotoKeypoints: 12, ReferenceKeypoints: 40);
        MilestoneCandidate[] candidates = [new(7, 0.93f, silent), new(3, 0.90f, silent)];

        var decision = MatchDecisionRule.Decide(candidates, verificationAvailable: true, Settings);

        Assert.False(decision.Matched);
        Assert.Equal("no-evidence", decision.Explanation.Basis);
        Assert.Contains("not sure enough", decision.Explanation.Text);
    }

    [Fact]
    public void Decide_NoEvidenceRuleTurnedOff_RefusesSilenceAsBefore()
    {
        var silent = new PairCheck(0, NoEvidence: true, PhotoKeypoints: 12, ReferenceKeypoints: 40);
        MilestoneCandidate[] candidates = [new(7, 0.93f, silent), new(3, 0.62f, silent)];

        var decision = MatchDecisionRule.Decide(candidates, verificationAvailable: true, Settings with { NoEvidenceThreshold = null });

        Assert.False(decision.Matched);
        Assert.Equal("no-geometric-support", decision.Explanation.Basis);
    }

    [Fact]
    public void Combine_OneReferenceDisagreesAndTheOtherIsSilent_CountsAsEvidenceAgainst()
    {
        var combined = PairCheck.Combine([new PairCheck(2, NoEvidence: false, 900, 1500), new PairCheck(0, NoEvidence: true, 900, 20)]);

        Assert.False(combined.NoEvidence);
        Assert.Equal(2, combined.Inliers);
    }

    [Fact]
    public void Decide_TwelveInliersOnTheCnnsClearFavourite_AcceptsAsPartialAgreement()
    {
        // A revisit with a truck in front: 12 keypoint matches agree (fewer than the 15 a full view needs), and the
        // CNN puts this milestone well ahead of the next.
        MilestoneCandidate[] candidates = [new(7, 0.70f, new PairCheck(12, PhotoKeypoints: 2000, ReferenceKeypoints: 1900)), new(3, 0.55f, new PairCheck(0))];

        var decision = MatchDecisionRule.Decide(candidates, verificationAvailable: true, Settings);
        var close = MatchDecisionRule.Decide([candidates[0], new(3, 0.66f, new PairCheck(0))], verificationAvailable: true, Settings);

        Assert.Equal((true, 7L, "partial"), (decision.Matched, decision.MilestoneId, decision.Explanation.Basis));
        Assert.False(close.Matched); // the same inliers with a lead of 0.04: not enough
    }

    [Fact]
    public void Decide_TruckBeforeABareWallWhosePaintedOverCopyIsClear_MatchesOnTheCopyAndSaysWhyInPlainWords()
    {
        // Every keypoint of the photo sat on the truck: none agree with the wall's reference (evidence against, on its
        // face), and the whole photo looks only 0.61 alike. Painted over, the rest of the photo is clearly the wall.
        var against = new PairCheck(0, PhotoKeypoints: 2000, ReferenceKeypoints: 700);
        MilestoneCandidate[] candidates =
        [
            new(7, 0.61f, against) { FilledScore = 0.78f },
            new(3, 0.58f, against with { ReferenceKeypoints = 1900 }) { FilledScore = 0.60f },
        ];

        var decision = MatchDecisionRule.Decide(candidates, verificationAvailable: true, Settings);
        var withoutCopy = MatchDecisionRule.Decide(candidates.Select(c => c with { FilledScore = null }).ToList(), verificationAvailable: true, Settings);

        Assert.Equal((true, 7L, "filled-cnn-score", "filled"), (decision.Matched, decision.MilestoneId, decision.Explanation.Basis, decision.Explanation.Evidence));
        Assert.Equal(0.78f, decision.Explanation.BestScore);
        Assert.Contains("painted over", decision.Explanation.Text);
        Assert.Equal((false, "no-geometric-support"), (withoutCopy.Matched, withoutCopy.Explanation.Basis));
    }

    [Fact]
    public void Decide_PaintedOverCopyWithASmallLead_KeepsTheRefusal()
    {
        var silent = new PairCheck(0, NoEvidence: true, PhotoKeypoints: 1900, ReferenceKeypoints: 60);
        MilestoneCandidate[] candidates = [new(7, 0.62f, silent) { FilledScore = 0.76f }, new(3, 0.60f, silent) { FilledScore = 0.72f }];

        var decision = MatchDecisionRule.Decide(candidates, verificationAvailable: true, Settings);
        var turnedOff = MatchDecisionRule.Decide([candidates[0] with { FilledScore = 0.9f }, candidates[1]], verificationAvailable: true,
            Settings with { FilledThreshold = null });

        Assert.Equal((false, "no-evidence"), (decision.Matched, decision.Explanation.Basis));
        Assert.Equal((false, "no-evidence"), (turnedOff.Matched, turnedOff.Explanation.Basis));
    }

    [Fact]
    public void Decide_PaintedOverCopyLaidOutOtherwiseThanTheMilestone_KeepsTheRefusal()
    {
        var against = new PairCheck(0, PhotoKeypoints: 2000, ReferenceKeypoints: 700);
        MilestoneCandidate[] candidates =
        [
            new(7, 0.61f, against) { FilledScore = 0.78f, FilledLayout = 0.30f },
            new(3, 0.58f, against with { ReferenceKeypoints = 1900 }) { FilledScore = 0.60f },
        ];

        var decision = MatchDecisionRule.Decide(candidates, verificationAvailable: true, Settings);
        var laidOutAlike = MatchDecisionRule.Decide([candidates[0] with { FilledLayout = 0.80f }, candidates[1]], verificationAvailable: true, Settings);

        Assert.Equal((false, "no-geometric-support"), (decision.Matched, decision.Explanation.Basis));
        Assert.Equal((true, "filled-cnn-score"), (laidOutAlike.Matched, laidOutAlike.Explanation.Basis));
    }

    [Fact]
    public void Decide_VerifiedMilestoneAndAPaintedOverCopyElsewhere_KeepsTheGeometricMatch()
    {
        // Keypoints that agree always win: the painted-over copy is only asked when they confirm nothing.
        MilestoneCandidate[] candidates =
        [
            new(7, 0.70f, new PairCheck(40, PhotoKeypoints: 2000, ReferenceKeypoints: 1900)) { FilledScore = 0.60f },
            new(3, 0.65f, new PairCheck(0, PhotoKeypoints: 2000, ReferenceKeypoints: 1900)) { FilledScore = 0.90f },
        ];

        var decision = MatchDecisionRule.Decide(candidates, verificationAvailable: true, Settings);

        Assert.Equal((true, 7L, "verified"), (decision.Matched, decision.MilestoneId, decision.Explanation.Basis));
    }

    [Theory]
    [InlineData(14, 0.03f, true)]   // 14 agreeing keypoints need a lead of 0.02
    [InlineData(13, 0.03f, false)]  // 13 need 0.04
    [InlineData(10, 0.09f, false)]  // 10 need the full 0.10
    [InlineData(10, 0.10f, true)]
    public void Decide_PartialAgreement_NeedsLessCnnLeadTheMoreKeypointsAgree(int inliers, float lead, bool matched)
    {
        MilestoneCandidate[] candidates =
            [new(7, 0.70f, new PairCheck(inliers, PhotoKeypoints: 2000, ReferenceKeypoints: 1900)), new(3, 0.70f - lead, new PairCheck(0))];

        var decision = MatchDecisionRule.Decide(candidates, verificationAvailable: true, Settings);

        Assert.Equal(matched, decision.Matched);
        Assert.Equal(matched ? "partial" : "no-geometric-support", decision.Explanation.Basis);
    }
}
