namespace ImaginAI.Vision.Verification;

/// <summary>
/// One ratio-test match between two photos, in each photo's own pixel coordinates (upright, full size), and whether
/// the fitted homography agrees with it. Used to draw keypoint lines.
/// </summary>
public readonly record struct KeypointPair(float AX, float AY, float BX, float BY, bool IsInlier);

/// <summary>What a verification that found too few inliers can say about the pair.</summary>
public enum KeypointEvidence
{
    /// <summary>Both photos have keypoints enough to speak: matches that agree with no single viewpoint are evidence against.</summary>
    Enough,

    /// <summary>Too few keypoints in either photo (smooth, dark or tiny): no evidence either way.</summary>
    TooFewKeypoints,
}

/// <summary>
/// Geometric evidence that two photos show the same place: how many local-feature matches survive the ratio test,
/// how many of those agree with one homography (the inliers), and the homography itself.
/// </summary>
public sealed record VerificationResult
{
    /// <summary>False when OpenCV could not load here; every count is then zero and <see cref="UnavailableReason"/> says why.</summary>
    public required bool Available { get; init; }

    /// <summary>Why verification could not run (names the missing package), or null when it ran.</summary>
    public string? UnavailableReason { get; init; }

    /// <summary>Matches kept by the ratio test.</summary>
    public int Matches { get; init; }

    /// <summary>Matches consistent with the fitted homography: the evidence of a shared viewpoint.</summary>
    public int Inliers { get; init; }

    /// <summary><see cref="Inliers"/> divided by <see cref="Matches"/> (0 when there are no matches).</summary>
    public double InlierRatio => Matches == 0 ? 0 : (double)Inliers / Matches;

    /// <summary>
    /// Row-major 3×3 homography mapping pixel coordinates of photo A onto photo B (full-size, upright pixels),
    /// or null when none could be fitted. Used to align "before" onto "after".
    /// </summary>
    public double[]? Homography { get; init; }

    /// <summary>Keypoints found in photo A.</summary>
    public int KeypointsA { get; init; }

    /// <summary>Keypoints found in photo B.</summary>
    public int KeypointsB { get; init; }

    /// <summary>Share of photo A's frame (cells of an 8×8 grid) that holds a keypoint.</summary>
    public double CoverageA { get; init; }

    /// <summary>Share of photo B's frame (cells of an 8×8 grid) that holds a keypoint.</summary>
    public double CoverageB { get; init; }

    /// <summary>Whether the photos had keypoints enough for a disagreement to count against the pair.</summary>
    public KeypointEvidence Evidence { get; init; } = KeypointEvidence.Enough;

    /// <summary>
    /// Inliers of a homography that was refused because they bunched into a clump or a line (then <see cref="Inliers"/>
    /// is 0): measured to judge whether tightly clustered agreement could count as a partly hidden view.
    /// </summary>
    public int ClusteredInliers { get; init; }

    /// <summary>
    /// True when these counts come from the second pass over the spread keypoints (the strongest keypoints agreed
    /// less): the first pass's are in <see cref="FirstPassInliers"/> and <see cref="FirstPassClusteredInliers"/>.
    /// </summary>
    public bool SpreadPass { get; init; }

    /// <summary>Inliers of the first pass over the strongest keypoints alone.</summary>
    public int FirstPassInliers { get; init; }

    /// <summary>Clustered inliers of the first pass over the strongest keypoints alone.</summary>
    public int FirstPassClusteredInliers { get; init; }

    /// <summary>The ratio-test matches with their inlier flag.</summary>
    public IReadOnlyList<KeypointPair> Pairs { get; init; } = [];

    /// <summary>A result for a machine where OpenCV cannot load.</summary>
    public static VerificationResult Unavailable(string reason) => new() { Available = false, UnavailableReason = reason };
}
