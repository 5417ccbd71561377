using System.ComponentModel.DataAnnotations;

namespace ImaginAI.Tracker.Matching;

/// <summary>The "Matching" configuration section.</summary>
public sealed class MatchingOptions
{
    public const string Section = "Matching";

    /// <summary>How often the job looks for embedded photos (new embeddings also wake it at once).</summary>
    [Range(1, 86400, ErrorMessage = "Matching:IntervalSeconds must be between 1 and 86400 (a day).")]
    public int IntervalSeconds { get; set; } = 5;

    /// <summary>
    /// For projects that set none: the CNN score (cosine similarity to a milestone's reference photos) a milestone
    /// needs when the decision rests on the CNN score alone (keypoint verification unavailable). Chosen by
    /// measurement together with <see cref="MinMargin"/>: see docs/BENCHMARKS.md ("Match quality").
    /// </summary>
    [Range(0.0, 1.0, MinimumIsExclusive = true, ErrorMessage = "Matching:DefaultThreshold must be above 0 and at most 1.")]
    public double DefaultThreshold { get; set; } = 0.60;

    /// <summary>How far the best milestone must lead the second best when the decision rests on the CNN score alone.</summary>
    [Range(0.0, 1.0, MaximumIsExclusive = true, ErrorMessage = "Matching:MinMargin must be at least 0 and below 1.")]
    public double MinMargin { get; set; } = 0.20;

    /// <summary>
    /// When keypoints give no evidence (too few in this photo or the reference: sky, bare walls, night), the CNN score
    /// the best milestone needs; null refuses such photos as if the keypoints disagreed. Measured with `eval`
    /// (docs/BENCHMARKS.md, "Match quality").
    /// </summary>
    [Range(0.0, 1.0, MinimumIsExclusive = true, ErrorMessage = "Matching:NoEvidenceThreshold must be above 0 and at most 1.")]
    public double? NoEvidenceThreshold { get; set; } = new MatchRuleSettings().NoEvidenceThreshold;

    /// <summary>When keypoints give no evidence, how far the best milestone must lead the second best.</summary>
    [Range(0.0, 1.0, MaximumIsExclusive = true, ErrorMessage = "Matching:NoEvidenceMargin must be at least 0 and below 1.")]
    public double NoEvidenceMargin { get; set; } = new MatchRuleSettings().NoEvidenceMargin;

    /// <summary>
    /// Partial agreement: the CNN's best milestone is accepted with this many inliers (fewer than the project's
    /// minimum, or bunched in one part of the frame: a place partly hidden) when it leads the next by
    /// <see cref="PartialMinMargin"/> (less the more keypoints agree, none at the minimum); null turns it off.
    /// </summary>
    [Range(1, 1000, ErrorMessage = "Matching:PartialMinInliers must be between 1 and 1000.")]
    public int? PartialMinInliers { get; set; } = new MatchRuleSettings().PartialMinInliers;

    /// <summary>The CNN lead that partial agreement needs at <see cref="PartialMinInliers"/> agreeing keypoints.</summary>
    [Range(0.0, 1.0, MaximumIsExclusive = true, ErrorMessage = "Matching:PartialMinMargin must be at least 0 and below 1.")]
    public double PartialMinMargin { get; set; } = new MatchRuleSettings().PartialMinMargin;

    /// <summary>
    /// When keypoints could not confirm any milestone and bunched on one part of the photo, the CNN score a copy with
    /// that part painted over needs (docs/BENCHMARKS.md, "Match quality"); null turns it off.
    /// </summary>
    [Range(0.0, 1.0, ErrorMessage = "Matching:FilledThreshold must be between 0 and 1.")]
    public double? FilledThreshold { get; set; } = new MatchRuleSettings().FilledThreshold;

    /// <summary>How far the painted-over copy's best milestone must lead the next.</summary>
    [Range(0.0, 1.0, MaximumIsExclusive = true, ErrorMessage = "Matching:FilledMargin must be at least 0 and below 1.")]
    public double FilledMargin { get; set; } = new MatchRuleSettings().FilledMargin;

    /// <summary>
    /// When the CNN decides without keypoints, how well the photo's layout of light and dark must agree with the
    /// milestone's reference photos (a correlation, -1 to 1; docs/BENCHMARKS.md, "Match quality"); null turns it off.
    /// </summary>
    [Range(-1.0, 1.0, ErrorMessage = "Matching:MinLayoutAgreement must be between -1 and 1.")]
    public double? MinLayoutAgreement { get; set; } = new MatchRuleSettings().MinLayoutAgreement;

    /// <summary>The same for a copy of the photo with its keypoint-dense part painted over; null turns it off.</summary>
    [Range(-1.0, 1.0, ErrorMessage = "Matching:MinFilledLayoutAgreement must be between -1 and 1.")]
    public double? MinFilledLayoutAgreement { get; set; } = new MatchRuleSettings().MinFilledLayoutAgreement;

    /// <summary>The CNN score below which a milestone is not worth verifying.</summary>
    [Range(0.0, 1.0, MaximumIsExclusive = true, ErrorMessage = "Matching:CandidateFloor must be at least 0 and below 1.")]
    public double CandidateFloor { get; set; } = 0.40;

    /// <summary>
    /// Whether decisions use keypoint verification where OpenCV is available. Off: the CNN threshold + margin rule
    /// alone, as on a server without libgtk-3-0 (saves CPU at the cost of accuracy; docs/BENCHMARKS.md row 5).
    /// </summary>
    public bool VerifyKeypoints { get; set; } = true;

    /// <summary>How many of the best milestones are verified with keypoints per photo (verification is CPU-heavy).</summary>
    [Range(0, 20, ErrorMessage = "Matching:MaxVerifiedCandidates must be between 0 and 20.")]
    public int MaxVerifiedCandidates { get; set; } = 3;

    /// <summary>
    /// How many of a verified milestone's reference photos (best CNN score first) each photo is verified against: an
    /// occluder or a crop may hide from one what another shows. Each costs a verification (about 12 CPU-ms).
    /// </summary>
    [Range(1, 4, ErrorMessage = "Matching:ReferencesPerMilestone must be between 1 and 4.")]
    public int ReferencesPerMilestone { get; set; } = 2;

    /// <summary>Photos decided per database round.</summary>
    [Range(1, 10000, ErrorMessage = "Matching:BatchSize must be between 1 and 10000.")]
    public int BatchSize { get; set; } = 100;

    /// <summary>After this many failed attempts to decide a photo it becomes failed, with the last reason.</summary>
    [Range(1, 100, ErrorMessage = "Matching:MaxAttempts must be between 1 and 100.")]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The wait before deciding a photo again after a failure; it doubles for each failure after that.</summary>
    [Range(0.0, 86400, MinimumIsExclusive = true, ErrorMessage = "Matching:RetryBackoffSeconds must be above 0 and at most 86400.")]
    public double RetryBackoffSeconds { get; set; } = 10;

    public TimeSpan BackoffAfter(int failures) =>
        TimeSpan.FromSeconds(RetryBackoffSeconds * Math.Pow(2, Math.Max(0, failures - 1)));
}
