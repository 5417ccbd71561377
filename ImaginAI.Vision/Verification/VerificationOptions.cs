namespace ImaginAI.Vision.Verification;

/// <summary>Tuning of <see cref="KeypointVerifier"/>; the defaults were measured on the public evaluation set.</summary>
public sealed record VerificationOptions
{
    /// <summary>Photos are downscaled so that their longer side is at most this many pixels before features are found.</summary>
    public int MaxSide { get; init; } = 768;

    /// <summary>How many ORB keypoints to keep per photo.</summary>
    public int MaxFeatures { get; init; } = 2000;

    /// <summary>Lowe's ratio test: a match is kept when its distance is below this share of the second best.</summary>
    public float RatioTest { get; init; } = 0.8f;

    /// <summary>ORB's FAST corner threshold; low so that dark or smooth scenes still give keypoints.</summary>
    public int FastThreshold { get; init; } = 7;

    /// <summary>
    /// Smallest convex-hull area of the inliers, as a share of each photo's area: below it the inliers lie in a
    /// clump or along a line and are not evidence of one viewpoint.
    /// </summary>
    public double MinInlierSpread { get; init; } = 0.02;

    /// <summary>Largest reprojection error, in working-scale pixels, for a match to count as an inlier.</summary>
    public double ReprojectionThreshold { get; init; } = 5.0;
}
