namespace ImaginAI.Tracker.Timelapse;

/// <summary>One aligned frame of a built time-lapse.</summary>
public sealed record TimelapseFrame(long PhotoId, string FileName, DateTimeOffset TakenAt, string? Milestone, int? Inliers, string File);

/// <summary>
/// A built time-lapse, stored as manifest.json beside its frames. <see cref="Stamp"/> names the set of photos and
/// the setting it was built from: when the set changes (a photo uploaded, deleted, restored or reassigned), the
/// stamp computed now differs and the time-lapse is built again.
/// </summary>
public sealed record TimelapseManifest(
    string Stamp, long ReferenceId, DateTimeOffset BuiltAt, int Width, int Height, int MinInliers,
    IReadOnlyList<TimelapseFrame> Frames, int LeftOut, string? Video);

/// <summary>What verification said of one candidate against the reference, kept so a rebuild only checks new photos.</summary>
public sealed record TimelapseCheck(int Inliers, double[]? Homography, int KeypointWidth, int KeypointHeight);
