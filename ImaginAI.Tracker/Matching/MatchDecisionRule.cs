namespace ImaginAI.Tracker.Matching;

/// <summary>
/// What keypoint verification of a photo against a milestone's reference photos found: the most inliers any
/// reference gave, whether the keypoints could say anything at all (<see cref="NoEvidence"/>: too few of them in
/// either photo, so not agreeing is no evidence against), and the keypoint counts behind that.
/// </summary>
public sealed record PairCheck(int Inliers, bool NoEvidence = false, int PhotoKeypoints = 0, int ReferenceKeypoints = 0, int ClusteredInliers = 0,
    long? ReferencePhotoId = null, bool SpreadPass = false)
{
    public static PairCheck From(ImaginAI.Vision.Verification.VerificationResult result) => new(
        result.Inliers, result.Evidence == ImaginAI.Vision.Verification.KeypointEvidence.TooFewKeypoints,
        result.KeypointsA, result.KeypointsB, result.ClusteredInliers, SpreadPass: result.SpreadPass);

    /// <summary>Why the spread keypoints were compared, in words for the photo page (empty when they were not).</summary>
    public string SpreadNote => SpreadPass
        ? " The strongest keypoints were bunched on one part of the photo (often something in front of the spot), so " +
          "keypoints spread over the whole frame were compared, and these matches come from them."
        : "";

    /// <summary>
    /// One check from several references' checks: the most inliers; no evidence only when no reference gave any
    /// (one reference whose keypoints disagree is evidence against).
    /// </summary>
    public static PairCheck Combine(IReadOnlyCollection<PairCheck> checks)
    {
        var best = checks.OrderByDescending(c => c.Inliers).ThenBy(c => c.NoEvidence).First();
        return best with
        {
            NoEvidence = checks.All(c => c.NoEvidence),
            ClusteredInliers = checks.Max(c => c.ClusteredInliers),
        };
    }
}

/// <summary>A milestone a photo might belong to: its CNN score (best cosine to its reference photos) and, when
/// keypoint verification ran against its best references, how many matches agreed with one homography.</summary>
public sealed record MilestoneCandidate(long MilestoneId, float Score, int? Inliers = null, PairCheck? Check = null, long? ReferencePhotoId = null)
{
    /// <summary>
    /// The CNN score of a copy of the photo with its keypoint-dense part painted over (see
    /// <see cref="ImaginAI.Vision.Verification.BusyRegionFill"/>), when the keypoints could not confirm any milestone and
    /// bunched on one part of the photo; null when no such copy was scored.
    /// </summary>
    public float? FilledScore { get; init; }

    /// <summary>
    /// How well the light-and-dark layout of the photo agrees with this milestone's reference photos (the best of
    /// them; see <see cref="ImaginAI.Vision.Verification.PhotoLayout"/>), when it was measured; and the same for the
    /// painted-over copy. Only a decision the keypoints could not check needs it.
    /// </summary>
    public float? Layout { get; init; }

    /// <inheritdoc cref="Layout"/>
    public float? FilledLayout { get; init; }

    /// <summary>A verified candidate: its inliers, and the reference photo they were counted against, come from the check.</summary>
    public MilestoneCandidate(long milestoneId, float score, PairCheck check, long? bestReferencePhotoId = null)
        : this(milestoneId, score, check.Inliers, check, check.ReferencePhotoId ?? bestReferencePhotoId) { }

    public bool NoEvidence => Check?.NoEvidence == true;
}

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

    /// <summary>
    /// When the keypoints give no evidence (too few in either photo), the CNN score the best milestone needs;
    /// null turns the no-evidence rule off (silence then refuses, as evidence against does).
    /// </summary>
    public float? NoEvidenceThreshold { get; init; } = 0.73f;

    /// <summary>When the keypoints give no evidence, how far the best milestone must lead the second best.</summary>
    public float NoEvidenceMargin { get; init; } = 0.07f;

    /// <summary>
    /// Partial agreement: the CNN's best milestone is accepted with at least this many inliers below
    /// <see cref="MinInliers"/> (or inliers bunched in one part of the frame: a place partly hidden) when it leads
    /// the next by <see cref="PartialMarginFor"/>. Null: off (measured with `eval`, docs/BENCHMARKS.md).
    /// </summary>
    public int? PartialMinInliers { get; init; } = 10;

    /// <summary>The CNN lead that partial agreement needs at <see cref="PartialMinInliers"/> inliers.</summary>
    public float PartialMinMargin { get; init; } = 0.10f;

    /// <summary>
    /// The CNN lead partial agreement needs at <paramref name="inliers"/>: <see cref="PartialMinMargin"/> at
    /// <see cref="PartialMinInliers"/>, falling in a straight line to none at <see cref="MinInliers"/>. The more
    /// keypoints agree, the less the CNN must add: on both public sets no photo of another place reached 10 agreeing
    /// keypoints with any milestone (docs/BENCHMARKS.md, "Match quality").
    /// </summary>
    public float PartialMarginFor(int inliers) =>
        PartialMinInliers is not { } low || low >= MinInliers ? PartialMinMargin
        : PartialMinMargin * Math.Clamp((MinInliers - inliers) / (float)(MinInliers - low), 0f, 1f);

    /// <summary>
    /// When the keypoints could not confirm any milestone and bunched on one part of the photo (something in front of
    /// a smooth scene), the CNN score that a copy with that part painted over needs; null turns this off.
    /// </summary>
    public float? FilledThreshold { get; init; } = 0.70f;

    /// <summary>How far the painted-over copy's best milestone must lead its next best.</summary>
    public float FilledMargin { get; init; } = 0.05f;

    /// <summary>
    /// When the CNN decides without keypoint evidence, how well the photo's layout of light and dark must agree with
    /// the milestone's reference photos (<see cref="ImaginAI.Vision.Verification.PhotoLayout"/>); null turns the check
    /// off. Two different smooth scenes (two skies, two bare walls) look alike to the CNN, but not laid out alike.
    /// </summary>
    public float? MinLayoutAgreement { get; init; } = 0.55f;

    /// <summary>
    /// The same for a painted-over copy: lower, because the painted part is a guess from its surroundings and agrees
    /// less with the reference even when the rest is the same spot.
    /// </summary>
    public float? MinFilledLayoutAgreement { get; init; } = 0.40f;

    /// <summary>Whether <paramref name="layout"/> was measured and is too weak for a decision without keypoints.</summary>
    public bool LayoutDiffers(float? layout, bool filled = false) =>
        (filled ? MinFilledLayoutAgreement : MinLayoutAgreement) is { } min && layout is { } measured && measured < min;
}

/// <summary>
/// Why a decision was made, with the numbers a manager needs to judge it: the reference photo the inliers were
/// counted against (so the photo page shows the same count wherever it shows that pair), the settings the rule
/// applied (null in explanations stored before they were recorded), and what the keypoints could say (evidence).
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
    float? MinMargin = null,
    string? Evidence = null,
    int? PhotoKeypoints = null,
    int? ReferenceKeypoints = null)
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
/// <see cref="MatchRuleSettings.MinInliers"/>. When the CNN's best milestone could not be checked because there were
/// too few keypoints (no evidence, not evidence against), its CNN score decides with the no-evidence threshold and
/// margin. Without verification (OpenCV missing, or a candidate not verified),
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
                    $"CNN score {strongest.Score:0.000}.{strongest.Check?.SpreadNote}", strongest.ReferencePhotoId, settings.MinInliers, settings.Threshold, settings.MinMargin));
            // The milestone the CNN ranks first could not be checked: its photos or this one have too few keypoints
            // (sky, bare walls, night). That silence is no evidence against it, so the CNN score decides, held to a
            // threshold and a lead measured to keep false matches rare.
            var first = verified[0];
            if (first == best && settings.PartialMinInliers is { } partialMin
                && Math.Max(first.Inliers!.Value, first.Check?.ClusteredInliers ?? 0) is var partial && partial >= partialMin
                && settings.PartialMarginFor(partial) is var partialMargin && margin >= partialMargin)
                return new MilestoneDecision(true, best.MilestoneId, new MatchExplanation(
                    "partial", best.Score, second, margin, partial, true,
                    $"{partial} keypoint matches agree in one part of the frame (a place partly hidden or cropped), and the " +
                    $"CNN score {best.Score:0.000} leads the next milestone by {margin:0.000} (needed {partialMargin:0.000} with {partial} matches).{first.Check?.SpreadNote}",
                    first.ReferencePhotoId, settings.MinInliers, settings.Threshold, settings.MinMargin,
                    "partial", first.Check?.PhotoKeypoints, first.Check?.ReferenceKeypoints));
            var withoutEvidence = first.NoEvidence && first == best && settings.NoEvidenceThreshold is { } noEvidenceThreshold
                ? DecideWithoutEvidence(best, second, margin, inliers, first.Check!, noEvidenceThreshold, settings)
                : null;
            if (withoutEvidence is { Matched: true }) return withoutEvidence;
            if (DecideOnFilledCopy(ranked, settings) is { } filled) return filled;
            if (withoutEvidence is not null) return withoutEvidence;
            var check = strongest.Check;
            return Unmatched("no-geometric-support", best.Score, second, inliers, true,
                $"Best CNN score {best.Score:0.000}, but at most {inliers} keypoint matches agree with one viewpoint " +
                $"(needed {settings.MinInliers}): the photos look alike without showing the same spot.",
                settings, strongest.ReferencePhotoId, check is null ? null : "against", check?.PhotoKeypoints, check?.ReferenceKeypoints);
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

    /// <summary>
    /// The keypoints could not confirm any milestone, and this photo's keypoints bunched on one part of the frame:
    /// often something in front of a smooth scene (a truck before a bare wall), whose corners are all the keypoints
    /// saw. The CNN scores of a copy with that part painted over decide, held to their own threshold and lead;
    /// null when no copy was scored or it is not sure enough (the caller's refusal stands).
    /// </summary>
    public static MilestoneDecision? DecideOnFilledCopy(IReadOnlyList<MilestoneCandidate> candidates, MatchRuleSettings settings)
    {
        if (settings.FilledThreshold is not { } threshold) return null;
        var scored = candidates.Where(c => c.FilledScore is not null).OrderByDescending(c => c.FilledScore).ToList();
        if (scored.Count == 0) return null;
        var best = scored[0];
        var score = best.FilledScore!.Value;
        float? second = scored.Count > 1 ? scored[1].FilledScore : null;
        var margin = score - (second ?? 0f);
        // Painting over what stands in front must bring the photo closer to the milestone: a photo of another place
        // painted over only loses detail, and looks less like anything in particular.
        if (score < threshold || margin < settings.FilledMargin || score <= best.Score || settings.LayoutDiffers(best.FilledLayout, filled: true)) return null;
        var check = best.Check;
        return new MilestoneDecision(true, best.MilestoneId, new MatchExplanation(
            "filled-cnn-score", score, second, margin, best.Inliers, true,
            $"Keypoints could not confirm the place: most of this photo's keypoints were bunched on one part of it " +
            $"(often something in front of a smooth scene, such as a vehicle before a bare wall). With that part painted " +
            $"over from its surroundings, the photo's CNN score is {score:0.000} (needed {threshold:0.000}; {best.Score:0.000} as taken) and leads the " +
            $"next milestone by {margin:0.000} (needed {settings.FilledMargin:0.000}).{LayoutNote(best.FilledLayout, settings.MinFilledLayoutAgreement)}",
            best.ReferencePhotoId, settings.MinInliers, settings.Threshold, settings.MinMargin,
            "filled", check?.PhotoKeypoints, check?.ReferenceKeypoints));
    }

    private static MilestoneDecision DecideWithoutEvidence(MilestoneCandidate best, float? second, float margin, int inliers,
        PairCheck check, float threshold, MatchRuleSettings settings)
    {
        var minMargin = settings.NoEvidenceMargin;
        var counts = $"{check.PhotoKeypoints} keypoints in this photo and {check.ReferenceKeypoints} in the reference photo";
        var sureEnough = best.Score >= threshold && (second is null || margin >= minMargin);
        if (sureEnough && settings.LayoutDiffers(best.Layout))
            return Unmatched("layout-differs", best.Score, second, inliers, true,
                $"Keypoints could not check this photo ({counts}: too few to compare). The CNN finds it like this milestone " +
                $"({best.Score:0.000}, leading the next by {margin:0.000}), but where it is light and where it is dark does not " +
                $"match the reference photo (layout agreement {best.Layout:0.00}, needed {settings.MinLayoutAgreement:0.00}): " +
                "it may be another place that looks alike, such as another sky or wall.",
                settings, best.ReferencePhotoId, "none", check.PhotoKeypoints, check.ReferenceKeypoints);
        if (sureEnough)
            return new MilestoneDecision(true, best.MilestoneId, new MatchExplanation(
                "no-evidence-cnn-score", best.Score, second, margin, inliers, true,
                $"Keypoints could not check this photo ({counts}: too few to compare), so the CNN score decided: " +
                $"{best.Score:0.000} clears {threshold:0.000} and leads the next milestone by {margin:0.000} (needed {minMargin:0.000}).{LayoutNote(best.Layout, settings.MinLayoutAgreement)}",
                best.ReferencePhotoId, settings.MinInliers, settings.Threshold, settings.MinMargin,
                "none", check.PhotoKeypoints, check.ReferenceKeypoints));
        return Unmatched("no-evidence", best.Score, second, inliers, true,
            $"Keypoints could not check this photo ({counts}: too few to compare), and the CNN score alone is not " +
            $"sure enough: {best.Score:0.000} (needed {threshold:0.000}), leading the next milestone by {margin:0.000} (needed {minMargin:0.000}).",
            settings, best.ReferencePhotoId, "none", check.PhotoKeypoints, check.ReferenceKeypoints);
    }

    private static string LayoutNote(float? layout, float? min) => layout is { } agreement && min is { } needed
        ? $" Its light and dark parts sit where the reference photo's do (layout agreement {agreement:0.00}, needed {needed:0.00})."
        : "";

    private static MilestoneDecision Unmatched(string basis, float? best, float? second, int? inliers, bool verificationAvailable, string text,
        MatchRuleSettings settings, long? referencePhotoId, string? evidence = null, int? photoKeypoints = null, int? referenceKeypoints = null) =>
        new(false, null, new MatchExplanation(basis, best, second, best is null ? null : best - (second ?? 0f), inliers, verificationAvailable, text,
            referencePhotoId, settings.MinInliers, settings.Threshold, settings.MinMargin, evidence, photoKeypoints, referenceKeypoints));
}
