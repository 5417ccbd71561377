using ImaginAI.Tracker.Photos;
using ImaginAI.Vision.Vectors;

namespace ImaginAI.Tracker.Matching;

/// <summary>
/// Decides one photo from the vectors of its project:
/// the best earlier match is the most similar photo taken before it; a milestone scores the highest similarity to
/// its reference photos (milestones set by a person, never by this rule); the best milestone is assigned when it
/// scores at least the threshold, else the photo needs review. A milestone a person set is kept as it is.
/// </summary>
public static class MatchingRule
{
    public static MatchDecision Decide(PhotoFacts photo, ReadOnlySpan<float> vector, VectorIndex index,
        IReadOnlyDictionary<long, PhotoFacts> comparable, double threshold)
    {
        var earlier = index.Search(vector, 1, id => id != photo.Id && comparable.TryGetValue(id, out var other) && other.IsEarlierThan(photo));
        var bestEarlier = earlier.Count > 0 ? earlier[0] : (VectorHit?)null;

        var references = comparable.Values.Where(p => p.Id != photo.Id && p.HasHumanMilestone && p.MilestoneId is not null)
            .ToDictionary(p => p.Id, p => p.MilestoneId!.Value);
        var milestoneScores = new Dictionary<long, float>();
        if (references.Count > 0)
            foreach (var hit in index.Search(vector, references.Count, references.ContainsKey))
                milestoneScores.TryAdd(references[hit.Id], hit.Score); // hits come best first

        long? matchedPhotoId = bestEarlier?.Id;
        double? matchScore = bestEarlier is { } h ? Math.Round(h.Score, 4) : null;

        if (photo.HasHumanMilestone)
        {
            double? ownScore = photo.MilestoneId is { } own && milestoneScores.TryGetValue(own, out var s) ? Math.Round(s, 4) : null;
            return new MatchDecision(photo.Id, photo.MilestoneId is null ? PhotoStatus.Unmatched : PhotoStatus.Matched,
                photo.MilestoneId, photo.MilestoneSource, ownScore, matchedPhotoId, matchScore);
        }

        if (milestoneScores.Count == 0)
            return new MatchDecision(photo.Id, PhotoStatus.Unmatched, null, null, null, matchedPhotoId, matchScore);
        var best = milestoneScores.MaxBy(m => m.Value);
        var bestScore = Math.Round(best.Value, 4);
        return best.Value >= threshold
            ? new MatchDecision(photo.Id, PhotoStatus.Matched, best.Key, MilestoneSource.Auto, bestScore, matchedPhotoId, matchScore)
            : new MatchDecision(photo.Id, PhotoStatus.Unmatched, null, null, bestScore, matchedPhotoId, matchScore);
    }
}
