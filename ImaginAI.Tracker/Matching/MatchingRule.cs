using ImaginAI.Tracker.Photos;
using ImaginAI.Vision.Vectors;

namespace ImaginAI.Tracker.Matching;

/// <summary>A milestone's CNN score for a photo, the reference photo that gave it and the milestone's next-best
/// reference (both are verified against: an occluder or a crop may hide from one what the other shows).</summary>
public sealed record RankedMilestone(long MilestoneId, float Score, long ReferencePhotoId, long? SecondReferencePhotoId = null)
{
    public IEnumerable<long> References => SecondReferencePhotoId is { } second ? [ReferencePhotoId, second] : [ReferencePhotoId];
}

/// <summary>What the vectors say about a photo: its best earlier match and its milestones, best first.</summary>
public sealed record MatchRanking(long? MatchedPhotoId, double? MatchScore, IReadOnlyList<RankedMilestone> Milestones);

/// <summary>
/// Decides one photo from the vectors of its project, in two steps so that the job can verify in between:
/// <see cref="Rank"/> finds the best earlier match (the most similar photo taken before it) and scores each
/// milestone by the highest similarity to its reference photos (milestones set by a person, never by this rule);
/// <see cref="Decide"/> hands those scores, with any keypoint evidence, to <see cref="MatchDecisionRule"/>.
/// A milestone a person set is kept as it is.
/// </summary>
public static class MatchingRule
{
    /// <summary>Whether a decision is a refusal that a copy of the photo with its busy part painted over may settle.</summary>
    public static bool MayDecideOnFilledCopy(MatchDecision decision, MatchRuleSettings settings) =>
        settings.FilledThreshold is not null && decision.Status == PhotoStatus.Unmatched
        && decision.Explanation?.Basis is "no-evidence" or "no-geometric-support" or "layout-differs";

    /// <summary>
    /// The milestone of a decision the CNN made without keypoints whose layout agreement has not been measured yet
    /// (for the photo as taken, or for its painted-over copy), or null when the decision needs no layout check.
    /// </summary>
    public static (long MilestoneId, bool Filled)? AwaitingLayout(MatchDecision decision, MatchRuleSettings settings,
        IReadOnlyDictionary<long, float?> layouts, IReadOnlyDictionary<long, float?> filledLayouts) =>
        decision.Status != PhotoStatus.Matched || decision.MilestoneId is not { } milestone ? null
        : decision.Explanation?.Basis switch
        {
            "no-evidence-cnn-score" when settings.MinLayoutAgreement is not null && !layouts.ContainsKey(milestone) => (milestone, false),
            "filled-cnn-score" when settings.MinFilledLayoutAgreement is not null && !filledLayouts.ContainsKey(milestone) => (milestone, true),
            _ => null,
        };

    public static MatchRanking Rank(PhotoFacts photo, ReadOnlySpan<float> vector, ProjectVectors index, IReadOnlyDictionary<long, PhotoFacts> comparable)
    {
        var earlier = index.Search(vector, 1, id => id != photo.Id && comparable.TryGetValue(id, out var other) && other.IsEarlierThan(photo));
        var bestEarlier = earlier.Count > 0 ? earlier[0] : (VectorHit?)null;

        return new MatchRanking(bestEarlier?.Id, bestEarlier is { } h ? Math.Round(h.Score, 4) : null, RankMilestones(photo, vector, index, comparable));
    }

    /// <summary>The milestones by their best reference photo's similarity to <paramref name="vector"/>, best first.</summary>
    public static IReadOnlyList<RankedMilestone> RankMilestones(PhotoFacts photo, ReadOnlySpan<float> vector, ProjectVectors index,
        IReadOnlyDictionary<long, PhotoFacts> comparable)
    {
        var references = comparable.Values.Where(p => p.Id != photo.Id && p.HasHumanMilestone && p.MilestoneId is not null)
            .ToDictionary(p => p.Id, p => p.MilestoneId!.Value);
        var milestones = new List<RankedMilestone>();
        if (references.Count > 0)
            foreach (var hit in index.Search(vector, references.Count, references.ContainsKey))
            {
                var at = milestones.FindIndex(m => m.MilestoneId == references[hit.Id]); // hits come best first
                if (at < 0) milestones.Add(new RankedMilestone(references[hit.Id], hit.Score, hit.Id));
                else if (milestones[at].SecondReferencePhotoId is null) milestones[at] = milestones[at] with { SecondReferencePhotoId = hit.Id };
            }
        return milestones;
    }

    // checks: keypoint verification per verified milestone; a milestone absent from it was not verified.
    // filled: the milestones ranked again by a copy of the photo with its keypoint-dense part painted over, when the
    // first decision was a refusal that such a copy may settle (MatchDecisionRule.DecideOnFilledCopy).
    // layouts, filledLayouts: the layout agreement of the photo (and of its painted-over copy) with a milestone's
    // references, measured only for the milestone a decision without keypoints chose (AwaitingLayout); null when the
    // photos could not be read again, which holds nothing back (verification read them a moment before).
    public static MatchDecision Decide(PhotoFacts photo, MatchRanking ranking, IReadOnlyDictionary<long, PairCheck> checks,
        bool verificationAvailable, MatchRuleSettings settings, IReadOnlyList<RankedMilestone>? filled = null,
        IReadOnlyDictionary<long, float?>? layouts = null, IReadOnlyDictionary<long, float?>? filledLayouts = null)
    {
        if (photo.HasHumanMilestone)
        {
            double? ownScore = photo.MilestoneId is { } own && ranking.Milestones.FirstOrDefault(m => m.MilestoneId == own) is { } m
                ? Math.Round(m.Score, 4) : null;
            return new MatchDecision(photo.Id, photo.MilestoneId is null ? PhotoStatus.Unmatched : PhotoStatus.Matched,
                photo.MilestoneId, photo.MilestoneSource, ownScore, ranking.MatchedPhotoId, ranking.MatchScore, null);
        }

        var candidates = ranking.Milestones
            .Select(m => checks.TryGetValue(m.MilestoneId, out var check)
                ? new MilestoneCandidate(m.MilestoneId, m.Score, check, m.ReferencePhotoId)
                : new MilestoneCandidate(m.MilestoneId, m.Score, ReferencePhotoId: m.ReferencePhotoId))
            .Select(c => filled?.FirstOrDefault(m => m.MilestoneId == c.MilestoneId) is { } again ? c with { FilledScore = again.Score } : c)
            .Select(c => c with
            {
                Layout = layouts?.TryGetValue(c.MilestoneId, out var layout) == true ? layout : null,
                FilledLayout = filledLayouts?.TryGetValue(c.MilestoneId, out var filledLayout) == true ? filledLayout : null,
            })
            .ToList();
        var decision = MatchDecisionRule.Decide(candidates, verificationAvailable, settings);
        double? bestScore = ranking.Milestones.Count > 0 ? Math.Round(ranking.Milestones[0].Score, 4) : null;
        if (!decision.Matched)
            return new MatchDecision(photo.Id, PhotoStatus.Unmatched, null, null, bestScore, ranking.MatchedPhotoId, ranking.MatchScore, decision.Explanation);
        var chosen = ranking.Milestones.First(m => m.MilestoneId == decision.MilestoneId);
        return new MatchDecision(photo.Id, PhotoStatus.Matched, chosen.MilestoneId, MilestoneSource.Auto, Math.Round(chosen.Score, 4),
            ranking.MatchedPhotoId, ranking.MatchScore, decision.Explanation);
    }
}
