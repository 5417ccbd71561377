namespace ImaginAI.Tracker.Matching;

/// <summary>The "Matching" configuration section.</summary>
public sealed class MatchingOptions
{
    public const string Section = "Matching";

    /// <summary>How often the job looks for embedded photos (new embeddings also wake it at once).</summary>
    public int IntervalSeconds { get; set; } = 5;

    /// <summary>
    /// For projects that set none: the CNN score (cosine similarity to a milestone's reference photos) a milestone
    /// needs when the decision rests on the CNN score alone (keypoint verification unavailable). Chosen by
    /// measurement together with <see cref="MinMargin"/>: see docs/BENCHMARKS.md ("Match quality").
    /// </summary>
    public double DefaultThreshold { get; set; } = 0.60;

    /// <summary>How far the best milestone must lead the second best when the decision rests on the CNN score alone.</summary>
    public double MinMargin { get; set; } = 0.20;

    /// <summary>The CNN score below which a milestone is not worth verifying.</summary>
    public double CandidateFloor { get; set; } = 0.40;

    /// <summary>
    /// Whether decisions use keypoint verification where OpenCV is available. Off: the CNN threshold + margin rule
    /// alone, as on a server without libgtk-3-0 (saves CPU at the cost of accuracy; docs/BENCHMARKS.md row 5).
    /// </summary>
    public bool VerifyKeypoints { get; set; } = true;

    /// <summary>How many of the best milestones are verified with keypoints per photo (verification is CPU-heavy).</summary>
    public int MaxVerifiedCandidates { get; set; } = 3;

    /// <summary>Photos decided per database round.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>After this many failed attempts to decide a photo it becomes failed, with the last reason.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The wait before deciding a photo again after a failure; it doubles for each failure after that.</summary>
    public double RetryBackoffSeconds { get; set; } = 10;

    public TimeSpan BackoffAfter(int failures) =>
        TimeSpan.FromSeconds(RetryBackoffSeconds * Math.Pow(2, Math.Max(0, failures - 1)));
}
