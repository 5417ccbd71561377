namespace ImaginAI.Vision.Verification;

/// <summary>
/// One ratio-test match between two photos, in each photo's own pixel coordinates (upright, full size), and whether
/// the fitted homography agrees with it. Used to draw keypoint lines.
/// </summary>
public readonly record struct KeypointPair(float AX, float AY, float BX, float BY, bool IsInlier);

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

    /// <summary>The ratio-test matches with their inlier flag.</summary>
    public IReadOnlyList<KeypointPair> Pairs { get; init; } = [];

    /// <summary>A result for a machine where OpenCV cannot load.</summary>
    public static VerificationResult Unavailable(string reason) => new() { Available = false, UnavailableReason = reason };
}
