using System.Globalization;
using System.Text;
using ImaginAI.Tracker.Matching;

namespace ImaginAI.Tracker.Evaluation;

/// <summary>Milliseconds per photo of each stage, averaged over every photo of the set.</summary>
public sealed record EvalTiming(int Photos, double DecodeMs, double EmbedMs, double KeypointsMs, double VerifyMsPerPair, double TotalMsPerPhoto);

/// <summary>Retrieval quality over the gallery (closed-set queries only).</summary>
public sealed record RetrievalSummary(int Queries, double Top1, double RecallAt5, double MeanAveragePrecision);

/// <summary>One decision rule's settings and results.</summary>
public sealed record RuleResult(string Rule, string Settings, RetrievalMetrics.DecisionSummary Summary);

/// <summary>Per revisit kind: how retrieval and the kept rule fared.</summary>
public sealed record TransformResult(string Transform, int Queries, double Top1, double DecisionAccuracy);

/// <summary>The result of an evaluation run, written as JSON and printed as a table.</summary>
public sealed record EvalReport(
    string Layout,
    string Model,
    int GalleryPhotos,
    int Milestones,
    int Queries,
    int OpenSetQueries,
    bool VerificationUsed,
    string? VerificationUnavailableReason,
    RetrievalSummary Retrieval,
    RetrievalSummary? VerifiedRetrieval,
    IReadOnlyList<RuleResult> Rules,
    IReadOnlyList<TransformResult> PerTransform,
    EvalTiming Timing)
{
    /// <summary>The per-query evidence (scores and inliers of every milestone), for studying decision rules.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<QueryEvidence> Evidence { get; init; } = [];

    /// <summary>The rule the tracker uses, as configured: the last entry of <see cref="Rules"/>.</summary>
    public RuleResult Kept => Rules[^1];

    internal static EvalReport Build(EvalSet set, string model, bool verificationUsed, string? unavailableReason,
                                     IReadOnlyList<QueryEvidence> evidence, EvalRunOptions options, EvalTiming timing)
    {
        var closed = evidence.Where(e => e.SceneInGallery).ToList();
        var retrieval = SummarizeRetrieval(closed, e => e.RankedGalleryScenes);
        var verifiedRetrieval = verificationUsed ? SummarizeRetrieval(closed, VerifiedRanking) : null;

        var rules = new List<RuleResult>();
        var (bestThreshold, nn) = BestGlobalThreshold(evidence);
        rules.Add(new RuleResult("nearest-neighbour, best global threshold", $"threshold {F(bestThreshold)}", nn));
        var nnAtSetting = Summarize(evidence, e => e.Milestones.Count > 0 && e.Milestones[0].Score >= options.Rule.Threshold ? e.Milestones[0].Scene : null);
        rules.Add(new RuleResult("nearest-neighbour", $"threshold {F(options.Rule.Threshold)}", nnAtSetting));
        foreach (var (name, maxFalseMatches) in new[] { ("threshold + margin, best pair", 1.0), ("threshold + margin, best pair with <= 3% false matches", 0.03) })
        {
            var bestPair = BestThresholdAndMargin(evidence, maxFalseMatches);
            rules.Add(new RuleResult(name, $"threshold {F(bestPair.Threshold)}, margin {F(bestPair.MinMargin)}",
                Summarize(evidence, e => Decide(e, bestPair, verificationAvailable: false))));
        }
        var cnnOnly = Summarize(evidence, e => Decide(e, options.Rule, verificationAvailable: false));
        rules.Add(new RuleResult("threshold + margin (fallback without verification)",
            $"threshold {F(options.Rule.Threshold)}, margin {F(options.Rule.MinMargin)}", cnnOnly));
        if (verificationUsed && options.VerifiedCandidates > 1)
            rules.Add(new RuleResult("verified, nearest milestone only",
                $"min inliers {options.Rule.MinInliers}, candidates 1, floor {F(options.Rule.CandidateFloor)}",
                Summarize(evidence, e => Decide(e with { Milestones = OnlyFirstVerified(e.Milestones) }, options.Rule, verificationAvailable: true))));
        if (verificationUsed)
            rules.Add(new RuleResult("verified (kept)",
                $"min inliers {options.Rule.MinInliers}, candidates {options.VerifiedCandidates}, floor {F(options.Rule.CandidateFloor)}",
                Summarize(evidence, e => Decide(e, options.Rule, verificationAvailable: true))));

        var perTransform = evidence.GroupBy(e => e.Transform ?? "(none)").OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new TransformResult(g.Key, g.Count(),
                Mean(g.Where(e => e.SceneInGallery), e => RetrievalMetrics.TopOne(e.Scene, e.RankedGalleryScenes)),
                Mean(g, e => IsCorrect(e, Decide(e, options.Rule, verificationUsed)) ? 1 : 0)))
            .ToList();

        return new EvalReport(set.Layout, model, set.Gallery.Count, set.GalleryScenes.Count, evidence.Count,
            evidence.Count(e => !e.SceneInGallery), verificationUsed, unavailableReason, retrieval, verifiedRetrieval,
            rules, perTransform, timing) { Evidence = evidence };
    }

    /// <summary>The decided scene (milestone) for one query under the tracker's rule, or null for unmatched.</summary>
    internal static string? Decide(QueryEvidence evidence, MatchRuleSettings settings, bool verificationAvailable)
    {
        var candidates = evidence.Milestones.Select((m, i) => new MilestoneCandidate(i, m.Score, m.Inliers)).ToList();
        var decision = MatchDecisionRule.Decide(candidates, verificationAvailable, settings);
        return decision.MilestoneId is { } id ? evidence.Milestones[(int)id].Scene : null;
    }

    private static bool IsCorrect(QueryEvidence e, string? decided) => e.SceneInGallery ? decided == e.Scene : decided is null;

    // Verified candidates re-ranked by inliers go first; the rest keep their CNN order.
    private static IReadOnlyList<string> VerifiedRanking(QueryEvidence e)
    {
        var verified = e.Milestones.Where(m => m.Inliers is not null).OrderByDescending(m => m.Inliers).ThenByDescending(m => m.Score);
        return verified.Concat(e.Milestones.Where(m => m.Inliers is null)).Select(m => m.Scene).ToList();
    }

    private static RetrievalSummary SummarizeRetrieval(IReadOnlyList<QueryEvidence> closed, Func<QueryEvidence, IReadOnlyList<string>> ranking) =>
        new(closed.Count,
            Mean(closed, e => RetrievalMetrics.TopOne(e.Scene, ranking(e))),
            Mean(closed, e => RetrievalMetrics.RecallAt(5, e.Scene, ranking(e))),
            Mean(closed, e => RetrievalMetrics.AveragePrecision(e.Scene, ranking(e))));

    private static RetrievalMetrics.DecisionSummary Summarize(IReadOnlyList<QueryEvidence> evidence, Func<QueryEvidence, string?> decide) =>
        RetrievalMetrics.Summarize(evidence.Select(e => new RetrievalMetrics.DecisionOutcome(e.Scene, e.SceneInGallery, decide(e))).ToList());

    private static List<MilestoneEvidence> OnlyFirstVerified(IReadOnlyList<MilestoneEvidence> milestones) =>
        milestones.Select((m, i) => i == 0 ? m : m with { Inliers = null }).ToList();

    // The best a CNN-only rule can do on this set, keeping false matches at or below maxFalseMatches: every threshold
    // 0.50..0.95 and margin 0..0.30 in steps of 0.01 (ties go to fewer false matches).
    private static MatchRuleSettings BestThresholdAndMargin(IReadOnlyList<QueryEvidence> evidence, double maxFalseMatches)
    {
        var best = (Settings: new MatchRuleSettings(), Accuracy: -1.0, FalseMatches: 1.0);
        for (var t = 50; t <= 95; t++)
            for (var m = 0; m <= 30; m++)
            {
                var settings = new MatchRuleSettings { Threshold = t / 100f, MinMargin = m / 100f };
                var summary = Summarize(evidence, e => Decide(e, settings, verificationAvailable: false));
                if (summary.FalseMatchRate > maxFalseMatches) continue;
                if (summary.Accuracy > best.Accuracy || (summary.Accuracy == best.Accuracy && summary.FalseMatchRate < best.FalseMatches))
                    best = (settings, summary.Accuracy, summary.FalseMatchRate);
            }
        return best.Settings;
    }

    private static (float Threshold, RetrievalMetrics.DecisionSummary Summary) BestGlobalThreshold(IReadOnlyList<QueryEvidence> evidence)
    {
        // Every distinct best score is a candidate cut; just above the highest means "never match".
        var cuts = evidence.Where(e => e.Milestones.Count > 0).Select(e => e.Milestones[0].Score).Append(float.MaxValue).Distinct();
        return cuts.Select(t => (t, Summarize(evidence, e => e.Milestones.Count > 0 && e.Milestones[0].Score >= t ? e.Milestones[0].Scene : null)))
                   .OrderByDescending(x => x.Item2.Accuracy).ThenBy(x => x.Item2.FalseMatchRate).First();
    }

    private static double Mean<T>(IEnumerable<T> items, Func<T, double> value)
    {
        var list = items.ToList();
        return list.Count == 0 ? 0 : list.Average(value);
    }

    private static string F(double value) => value >= float.MaxValue ? "never" : value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string P(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>The report as a plain-text table.</summary>
    public string ToTable()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Evaluation ({Layout}): model {Model}");
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"gallery {GalleryPhotos} photos in {Milestones} milestones; {Queries} queries, {OpenSetQueries} of them open-set");
        sb.AppendLine("verification: " + (VerificationUsed ? "keypoints (ORB + MAGSAC)" : "off: " + VerificationUnavailableReason));
        sb.AppendLine();
        sb.AppendLine("retrieval              queries   top-1   recall@5   mAP");
        void Row(string name, RetrievalSummary r) => sb.AppendLine(CultureInfo.InvariantCulture,
            $"{name,-22} {r.Queries,7}  {P(r.Top1),6}  {P(r.RecallAt5),8}  {P(r.MeanAveragePrecision),6}");
        Row("CNN cosine", Retrieval);
        if (VerifiedRetrieval is not null) Row("CNN + verification", VerifiedRetrieval);
        sb.AppendLine();
        sb.AppendLine("decision rule                                             correct  closed  open-set  false-match  wrong-milestone  settings");
        foreach (var r in Rules)
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"{r.Rule,-56} {P(r.Summary.Accuracy),7}  {P(r.Summary.ClosedSetAccuracy),6}  {P(r.Summary.OpenSetAccuracy),8}  {P(r.Summary.FalseMatchRate),11}  {P(r.Summary.WrongMilestoneRate),15}  {r.Settings}");
        if (PerTransform.Count > 1)
        {
            sb.AppendLine();
            sb.AppendLine("revisit kind              queries   top-1   decisions correct");
            foreach (var t in PerTransform)
                sb.AppendLine(CultureInfo.InvariantCulture, $"{t.Transform,-24} {t.Queries,8}  {P(t.Top1),6}  {P(t.DecisionAccuracy),8}");
        }
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"time per photo: {Timing.TotalMsPerPhoto:0.0} ms (decode {Timing.DecodeMs:0.0}, embed {Timing.EmbedMs:0.0}, keypoints {Timing.KeypointsMs:0.0}; verify {Timing.VerifyMsPerPair:0.0} ms per pair) over {Timing.Photos} photos");
        return sb.ToString();
    }
}
