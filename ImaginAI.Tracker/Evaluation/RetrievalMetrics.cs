namespace ImaginAI.Tracker.Evaluation;

/// <summary>
/// Retrieval and decision quality, computed from plain labels so that every figure can be checked by hand.
/// Retrieval figures count only queries whose scene is in the gallery (an open-set query has nothing to find).
/// </summary>
public static class RetrievalMetrics
{
    /// <summary>1 when the first result is of the query's scene.</summary>
    public static double TopOne(string queryScene, IReadOnlyList<string> rankedScenes) =>
        rankedScenes.Count > 0 && rankedScenes[0] == queryScene ? 1 : 0;

    /// <summary>1 when any of the first <paramref name="k"/> results is of the query's scene.</summary>
    public static double RecallAt(int k, string queryScene, IReadOnlyList<string> rankedScenes) =>
        rankedScenes.Take(k).Any(s => s == queryScene) ? 1 : 0;

    /// <summary>
    /// Average precision over the whole ranking: the mean, over the gallery photos of the query's scene, of the
    /// precision at each one's rank (the INRIA Holidays / TREC definition). 0 when the scene has no gallery photo.
    /// </summary>
    public static double AveragePrecision(string queryScene, IReadOnlyList<string> rankedScenes)
    {
        var relevantSeen = 0;
        var sum = 0.0;
        for (var rank = 0; rank < rankedScenes.Count; rank++)
        {
            if (rankedScenes[rank] != queryScene) continue;
            relevantSeen++;
            sum += (double)relevantSeen / (rank + 1);
        }
        return relevantSeen == 0 ? 0 : sum / relevantSeen;
    }

    /// <summary>What a query's decision should have been and what it was; a null milestone means unmatched.</summary>
    public readonly record struct DecisionOutcome(string QueryScene, bool SceneInGallery, string? DecidedScene);

    /// <summary>Summary of milestone decisions over a query set.</summary>
    public sealed record DecisionSummary(
        int Queries,
        int ClosedSetQueries,
        int OpenSetQueries,
        double Accuracy,
        double ClosedSetAccuracy,
        double OpenSetAccuracy,
        double FalseMatchRate,
        double WrongMilestoneRate,
        double AutoMatchPrecision);

    /// <summary>
    /// Accuracy: a query in a gallery scene must be matched to that scene's milestone; an open-set query must end
    /// unmatched. False-match rate: the share of open-set queries that were matched to some milestone anyway.
    /// Wrong-milestone rate: the share of all queries matched to a milestone that is not theirs (open-set included).
    /// Auto-match precision: of the automatic matches, the share that were right.
    /// </summary>
    public static DecisionSummary Summarize(IReadOnlyList<DecisionOutcome> outcomes)
    {
        var closed = outcomes.Where(o => o.SceneInGallery).ToList();
        var open = outcomes.Where(o => !o.SceneInGallery).ToList();
        bool Correct(DecisionOutcome o) => o.SceneInGallery ? o.DecidedScene == o.QueryScene : o.DecidedScene is null;
        var matched = outcomes.Count(o => o.DecidedScene is not null);
        var wrong = outcomes.Count(o => o.DecidedScene is not null && o.DecidedScene != o.QueryScene);
        return new DecisionSummary(
            outcomes.Count, closed.Count, open.Count,
            Share(outcomes.Count(Correct), outcomes.Count),
            Share(closed.Count(Correct), closed.Count),
            Share(open.Count(Correct), open.Count),
            Share(open.Count(o => o.DecidedScene is not null), open.Count),
            Share(wrong, outcomes.Count),
            Share(matched - wrong, matched));
    }

    private static double Share(int part, int whole) => whole == 0 ? 0 : (double)part / whole;
}
