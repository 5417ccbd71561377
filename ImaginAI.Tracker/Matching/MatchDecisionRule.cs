namespace ImaginAI.Tracker.Matching;

/// <summary>A milestone a photo might belong to: its CNN score (best cosine to its reference photos) and, when
/// keypoint verification ran against its best reference, how many matches agreed with one homography.</summary>
public sealed record MilestoneCandidate(long MilestoneId, float Score, int? Inliers = null, long? ReferencePhotoId = null);

/// <summary>A project's matching settings, as a manager tunes them.</summary>
public sealed record MatchRuleSettings
{
    // Defaults measured on the public evaluation set (docs/BENCHMARKS.md, "Match quality"): unrelated photos gave
    // 0 inliers and true revisits 0 (nothing survived an occluder), one 10, else at least 34; without verification, a
    // margin of 0.20 keeps false matches at 2.3% where a bare threshold needs 0.80 and loses five more points.

    /// <summary>The CNN score a milestone needs when the decision rests on the CNN score alone.</summary>
    public float Threshold { get; init; } = 0.60f;

    /// <summary>How far the best milestone must lead the second best when the decision rests on the CNN score alone.</summary>
    public float MinMargin { get; init; } = 0.20f;

    /// <summary>Keypoint matches agreeing with one homography needed to accept a milestone on geometric evidence.</summary>
    public int MinInliers { get; init; } = 15;

    /// <summary>The CNN score below which a candidate is not even verified (a cheap first filter).</summary>
    public float CandidateFloor { get; init; } = 0.40f;
}

/// <summary>
/// Why a decision was made, with the numbers a manager needs to judge it: the reference photo the inliers were
/// counted against (so the photo page shows the same count wherever it shows that pair) and the settings the rule
/// applied (null in explanations stored before they were recorded).
/// </summary>
public sealed record MatchExplanation(
    string Basis,
    float? BestScore,
    float? SecondScore,
    float? Margin,
    int? Inliers,
    bool VerificationAvailable,
    string Text,
    long? ReferencePhotoId = null,
    int? MinInliers = null,
    float? Threshold = null,
    float? MinMargin = null)
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    public static string ToJson(MatchExplanation explanation) => System.Text.Json.JsonSerializer.Serialize(explanation, Json);

    public static MatchExplanation? FromJson(string? json) =>
        string.IsNullOrEmpty(json) ? null : System.Text.Json.JsonSerializer.Deserialize<MatchExplanation>(json, Json);
}

/// <summary>The outcome: matched to <see cref="MilestoneId"/>, or unmatched (needs review).</summary>
public sealed record MilestoneDecision(bool Matched, long? MilestoneId, MatchExplanation Explanation);

/// <summary>
/// Decides which milestone, if any, a new photo belongs to. With keypoint verification the CNN score only picks
/// the candidates and the geometry decides: the verified candidate with the most inliers wins when it has at least
/// <see cref="MatchRuleSettings.MinInliers"/>. Without verification (OpenCV missing, or a candidate not verified),
/// the best milestone must clear the threshold and lead the second best by the margin. Pure: no I/O.
/// </summary>
public static class MatchDecisionRule
{
    public static MilestoneDecision Decide(IReadOnlyList<MilestoneCandidate> candidates, bool verificationAvailable, MatchRuleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(settings);
        if (candidates.Count == 0)
            return Unmatched("none", null, null, null, verificationAvailable, "No milestone has a reference photo yet.", settings, null);

        var ranked = candidates.OrderByDescending(c => c.Score).ToList();
        var best = ranked[0];
        float? second = ranked.Count > 1 ? ranked[1].Score : null;
        var margin = best.Score - (second ?? 0f);

        var verified = ranked.Where(c => c.Inliers is not null && c.Score >= settings.CandidateFloor).ToList();
        if (verificationAvailable && verified.Count > 0)
        {
            var strongest = verified.OrderByDescending(c => c.Inliers).ThenByDescending(c => c.Score).First();
            var inliers = strongest.Inliers!.Value;
            if (inliers >= settings.MinInliers)
                return new MilestoneDecision(true, strongest.MilestoneId, new MatchExplanation(
                    "verified", strongest.Score, second, margin, inliers, true,
                    $"{inliers} keypoint matches agree with one viewpoint (needed {settings.MinInliers}); " +
                    $"CNN score {strongest.Score:0.000}.", strongest.ReferencePhotoId, settings.MinInliers, settings.Threshold, settings.MinMargin));
            return Unmatched("no-geometric-support", best.Score, second, inliers, true,
                $"Best CNN score {best.Score:0.000}, but at most {inliers} keypoint matches agree with one viewpoint " +
                $"(needed {settings.MinInliers}): the photos look alike without showing the same spot.", settings, strongest.ReferencePhotoId);
        }

        var prefix = verificationAvailable ? "" : "Keypoint verification is unavailable; ";
        if (best.Score < settings.Threshold)
            return Unmatched("below-threshold", best.Score, second, null, verificationAvailable,
                $"{prefix}best CNN score {best.Score:0.000} is below the threshold {settings.Threshold:0.000}.", settings, best.ReferencePhotoId);
        if (second is not null && margin < settings.MinMargin)
            return Unmatched("ambiguous", best.Score, second, null, verificationAvailable,
                $"{prefix}best CNN score {best.Score:0.000} leads the next milestone ({second:0.000}) by only " +
                $"{margin:0.000} (needed {settings.MinMargin:0.000}).", settings, best.ReferencePhotoId);
        return new MilestoneDecision(true, best.MilestoneId, new MatchExplanation(
            "cnn-score", best.Score, second, margin, null, verificationAvailable,
            $"{prefix}CNN score {best.Score:0.000} clears the threshold {settings.Threshold:0.000} " +
            $"and leads the next milestone by {margin:0.000}.", best.ReferencePhotoId, settings.MinInliers, settings.Threshold, settings.MinMargin));
    }

    private static MilestoneDecision Unmatched(string basis, float? best, float? second, int? inliers, bool verificationAvailable, string text,
        MatchRuleSettings settings, long? referencePhotoId) =>
        new(false, null, new MatchExplanation(basis, best, second, best is null ? null : best - (second ?? 0f), inliers, verificationAvailable, text,
            referencePhotoId, settings.MinInliers, settings.Threshold, settings.MinMargin));
}
