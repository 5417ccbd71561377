using ImaginAI.Tracker.Matching;

namespace ImaginAI.Tracker.Evaluation;

/// <summary>Keypoint verification of a query against one reference photo, with what it takes to judge the evidence.</summary>
public sealed record ReferenceCheck(int Reference, int Inliers, int Matches, int ClusteredInliers, int ReferenceKeypoints, double ReferenceCoverage,
    int FirstPassInliers = 0, int FirstPassClusteredInliers = 0, bool SpreadPass = false)
{
    /// <summary>The check as the first pass over the strongest keypoints alone saw it (before the spread pass).</summary>
    public ReferenceCheck FirstPass() => this with { Inliers = FirstPassInliers, ClusteredInliers = FirstPassClusteredInliers, SpreadPass = false };
}

/// <summary>A milestone (gallery scene) as seen from one query: its CNN score, its best reference photo, and the
/// keypoint inliers against its best references when it was verified (the first check is the best reference's).</summary>
public sealed record MilestoneEvidence(string Scene, float Score, int BestReference, int? Inliers, IReadOnlyList<ReferenceCheck>? Checks = null, float? FilledScore = null,
    float? Layout = null, float? FilledLayout = null)
{
    /// <summary>The milestone as the tracker's rule sees it, verified against up to <paramref name="references"/> references.</summary>
    public MilestoneCandidate ToCandidate(long id, int queryKeypoints, double queryCoverage, EvidenceLine line, int references)
    {
        if (Checks is not { Count: > 0 }) return new MilestoneCandidate(id, Score, Inliers) { FilledScore = FilledScore, Layout = Layout, FilledLayout = FilledLayout };
        var checks = Checks.Take(references).Select(c => new PairCheck(c.Inliers,
            line.IsSilent(queryKeypoints, queryCoverage) || line.IsSilent(c.ReferenceKeypoints, c.ReferenceCoverage),
            queryKeypoints, c.ReferenceKeypoints, c.ClusteredInliers, SpreadPass: c.SpreadPass)).ToList();
        return new MilestoneCandidate(id, Score, PairCheck.Combine(checks)) { FilledScore = FilledScore, Layout = Layout, FilledLayout = FilledLayout };
    }
}

/// <summary>
/// Where keypoints stop being evidence: a photo with fewer keypoints, or whose keypoints cover less of its frame, than
/// this says nothing when it fails to agree.
/// </summary>
public sealed record EvidenceLine(int MinKeypoints, double MinCoverage)
{
    public bool IsSilent(int keypoints, double coverage) => keypoints < Math.Max(2, MinKeypoints) || coverage < MinCoverage;

    public override string ToString() => FormattableString.Invariant($"keypoints >= {MinKeypoints}, coverage >= {MinCoverage:0.00}");
}

/// <summary>Evidence rewritten as the first verification pass alone saw it: the same run without the spread pass.</summary>
public static class FirstPassEvidence
{
    public static QueryEvidence Of(QueryEvidence evidence) => evidence with
    {
        Milestones = evidence.Milestones.Select(m => m.Checks is not { Count: > 0 } checks ? m : m with
        {
            Checks = checks.Select(c => c.FirstPass()).ToList(),
            Inliers = checks.Max(c => c.FirstPassInliers),
        }).ToList(),
    };
}

/// <summary>Everything measured for one query; decision rules are evaluated on this without re-running models.</summary>
public sealed record QueryEvidence(
    string Path,
    string Scene,
    bool SceneInGallery,
    string? Transform,
    IReadOnlyList<string> RankedGalleryScenes,
    IReadOnlyList<MilestoneEvidence> Milestones,
    int Keypoints = 0,
    double Coverage = 0);
