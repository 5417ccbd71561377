namespace ImaginAI.Vision.Verification;

/// <summary>Tuning of <see cref="KeypointVerifier"/>; the defaults were measured on the public evaluation set.</summary>
public sealed record VerificationOptions
{
    /// <summary>Photos are downscaled so that their longer side is at most this many pixels before features are found.</summary>
    public int MaxSide { get; init; } = 768;

    /// <summary>
    /// Photos smaller than <see cref="MaxSide"/> are upscaled towards it, by at most this factor, before features are
    /// found: ORB's pyramid and its 31-pixel border leave a 320-px photo with too few keypoints to verify. 1 turns it off.
    /// </summary>
    public double MaxUpscale { get; init; } = 3.0;

    /// <summary>
    /// Below this many keypoints in either photo, or <see cref="MinEvidenceCoverage"/> of its frame, a pair that does
    /// not agree says nothing ("no evidence"): the photo is too smooth, dark or small for keypoints to speak.
    /// </summary>
    public int MinEvidenceKeypoints { get; init; } = 0;

    /// <summary>Share of the cells of an 8×8 grid over the frame holding a keypoint, below which a photo gives no evidence.</summary>
    public double MinEvidenceCoverage { get; init; } = 0.35;

    /// <summary>How many ORB keypoints to keep per photo.</summary>
    public int MaxFeatures { get; init; } = 2000;

    /// <summary>
    /// A second, spread set of keypoints per photo: at most this many of the strongest in each cell of an 8×8 grid
    /// (from a wider detection), used only when the strongest keypoints give fewer than
    /// <see cref="SecondPassBelowInliers"/> inliers. A textured patch pasted over a third of the frame (a truck, a
    /// person) takes most of the strongest keypoints; the spread set keeps the visible rest of the scene. 0 turns it off.
    /// </summary>
    public int SpreadPerCell { get; init; } = 80;

    /// <summary>
    /// Cells of an 8×8 grid holding at least this many of a photo's strongest keypoints are its busy part, painted over
    /// for a second CNN look when keypoints could not confirm any milestone (<see cref="BusyRegionFill"/>).
    /// </summary>
    public int BusyMinPerCell { get; init; } = 2;

    /// <summary>The busy part is painted over only when it is at most this share of the frame (a part, not the photo).</summary>
    public double BusyMaxShare { get; init; } = 0.6;

    /// <summary>A pair whose strongest keypoints give fewer inliers than this is verified again with the spread sets.</summary>
    public int SecondPassBelowInliers { get; init; } = 15;

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
