using System.Globalization;
using System.Text;
using ImaginAI.Tracker.Matching;

namespace ImaginAI.Tracker.Evaluation;

/// <summary>Milliseconds per photo of each stage, averaged over every photo of the set.</summary>
public sealed record EvalTiming(int Photos, double DecodeMs, double EmbedMs, double KeypointsMs, double VerifyMsPerPair, double TotalMsPerPhoto,
    int FilledPhotos = 0, double FilledMsPerPhoto = 0, int Layouts = 0, double LayoutMs = 0, double LayoutAgreementMs = 0);

/// <summary>Retrieval quality over the gallery (closed-set queries only).</summary>
public sealed record RetrievalSummary(int Queries, double Top1, double RecallAt5, double MeanAveragePrecision);

/// <summary>One decision rule's settings and results.</summary>
public sealed record RuleResult(string Rule, string Settings, RetrievalMetrics.DecisionSummary Summary);

/// <summary>An evidence line with its best no-evidence threshold and margin on this set, and how many queries it left silent.</summary>
public sealed record LineResult(EvidenceLine Line, float Threshold, float Margin, int SilentQueries, int SilentOpenSet, RetrievalMetrics.DecisionSummary Summary);

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
    EvalTiming Timing,
    IReadOnlyList<TransformResult>? PerChange = null,
    IReadOnlyList<LineResult>? NoEvidenceLines = null)
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

        var line = options.Line;
        var rules = new List<RuleResult>();
        var (bestThreshold, nn) = BestGlobalThreshold(evidence);
        rules.Add(new RuleResult("nearest-neighbour, best global threshold", $"threshold {F(bestThreshold)}", nn));
        var nnAtSetting = Summarize(evidence, e => e.Milestones.Count > 0 && e.Milestones[0].Score >= options.Rule.Threshold ? e.Milestones[0].Scene : null);
        rules.Add(new RuleResult("nearest-neighbour", $"threshold {F(options.Rule.Threshold)}", nnAtSetting));
        foreach (var (name, maxFalseMatches) in new[] { ("threshold + margin, best pair", 1.0), ("threshold + margin, best pair with <= 2% false matches", 0.02) })
        {
            var bestPair = BestThresholdAndMargin(evidence, maxFalseMatches);
            rules.Add(new RuleResult(name, $"threshold {F(bestPair.Threshold)}, margin {F(bestPair.MinMargin)}",
                Summarize(evidence, e => Decide(e, bestPair, verificationAvailable: false, line))));
        }
        var cnnOnly = Summarize(evidence, e => Decide(e, options.Rule, verificationAvailable: false, line));
        rules.Add(new RuleResult("threshold + margin (fallback without verification)",
            $"threshold {F(options.Rule.Threshold)}, margin {F(options.Rule.MinMargin)}", cnnOnly));
        List<LineResult>? lines = null;
        if (verificationUsed)
        {
            var before = options.Rule with { NoEvidenceThreshold = null, PartialMinInliers = null, FilledThreshold = null };
            if (options.VerifiedCandidates > 1)
                rules.Add(new RuleResult("verified, nearest milestone only, silence refuses",
                    $"min inliers {options.Rule.MinInliers}, candidates 1, floor {F(options.Rule.CandidateFloor)}",
                    Summarize(evidence, e => Decide(e with { Milestones = OnlyFirstVerified(e.Milestones) }, before, true, line, 1))));
            rules.Add(new RuleResult("verified, 1 reference, silence refuses (before issue 13)",
                $"min inliers {options.Rule.MinInliers}, candidates {options.VerifiedCandidates}",
                Summarize(evidence, e => Decide(e, before, true, line, 1))));
            if (options.ReferencesPerMilestone > 1 && set.Gallery.Count > set.GalleryScenes.Count)
                rules.Add(new RuleResult($"verified, {options.ReferencesPerMilestone} references, silence refuses",
                    $"min inliers {options.Rule.MinInliers}, candidates {options.VerifiedCandidates}",
                    Summarize(evidence, e => Decide(e, before, true, line, options.ReferencesPerMilestone))));
            lines = SweepNoEvidence(evidence, before, options.ReferencesPerMilestone);
            if (lines.OrderByDescending(l => l.Summary.Accuracy).ThenBy(l => l.Summary.FalseMatchRate).FirstOrDefault() is { } bestLine)
                rules.Add(new RuleResult("+ no evidence: CNN decides (best line, <= 2% false matches on this set)",
                    $"{bestLine.Line}; threshold {F(bestLine.Threshold)}, margin {F(bestLine.Margin)}", bestLine.Summary));
            var withNoEvidence = options.Rule with { PartialMinInliers = null, FilledThreshold = null };
            foreach (var (minInliers, margin) in new[] { (8, 0.15f), (8, 0.25f), (10, 0.15f), (10, 0.25f), (12, 0.20f) })
                rules.Add(new RuleResult($"+ partial agreement: >= {minInliers} inliers (or clustered), CNN lead >= {margin:0.00} there, less above",
                    "no-evidence rule as configured",
                    Summarize(evidence, e => Decide(e, withNoEvidence with { PartialMinInliers = minInliers, PartialMinMargin = margin }, true, line, options.ReferencesPerMilestone))));
            if (evidence.Any(e => e.Milestones.Any(m => m.Checks?.Any(c => c.SpreadPass) == true)))
            {
                var firstPass = evidence.Select(FirstPassEvidence.Of).ToList();
                rules.Add(new RuleResult("the kept rule on the first pass alone (strongest keypoints, no spread pass)",
                    "as configured below", Summarize(firstPass, e => Decide(e, options.Rule, true, line, options.ReferencesPerMilestone))));
            }
            if (options.Rule.FilledThreshold is not null)
                rules.Add(new RuleResult("the kept rule without painted-over copies (issue 13, third round)", "as configured below",
                    Summarize(evidence, e => Decide(e, options.Rule with { FilledThreshold = null, MinLayoutAgreement = null, MinFilledLayoutAgreement = null }, true, line, options.ReferencesPerMilestone))));
            if (options.Rule.MinLayoutAgreement is not null || options.Rule.MinFilledLayoutAgreement is not null)
                rules.Add(new RuleResult("the kept rule without the layout check (issue 13, fourth round)", "as configured below",
                    Summarize(evidence, e => Decide(e, options.Rule with { MinLayoutAgreement = null, MinFilledLayoutAgreement = null }, true, line, options.ReferencesPerMilestone))));
            rules.Add(new RuleResult("verified (kept, as configured)",
                FormattableString.Invariant($"min inliers {options.Rule.MinInliers}, candidates {options.VerifiedCandidates}, references {options.ReferencesPerMilestone}, floor {F(options.Rule.CandidateFloor)}, ") +
                (options.Rule.NoEvidenceThreshold is { } t ? $"no evidence ({line}): threshold {F(t)}, margin {F(options.Rule.NoEvidenceMargin)}" : "no-evidence rule off") +
                (options.Rule.PartialMinInliers is { } p ? FormattableString.Invariant($", partial {p} at lead {F(options.Rule.PartialMinMargin)}") : "") +
                (options.Rule.FilledThreshold is { } f ? $", painted-over copy {F(f)} at lead {F(options.Rule.FilledMargin)}" : "") +
                (options.Rule.MinLayoutAgreement is { } l ? $", layout {F(l)}" : "") +
                (options.Rule.MinFilledLayoutAgreement is { } fl ? $", copy's layout {F(fl)}" : ""),
                Summarize(evidence, e => Decide(e, options.Rule, true, line, options.ReferencesPerMilestone))));
        }

        string? Kept(QueryEvidence e) => Decide(e, options.Rule, verificationUsed, line, options.ReferencesPerMilestone);
        TransformResult Group(string key, IEnumerable<QueryEvidence> items) => new(key, items.Count(),
            Mean(items.Where(e => e.SceneInGallery), e => RetrievalMetrics.TopOne(e.Scene, e.RankedGalleryScenes)),
            Mean(items, e => IsCorrect(e, Kept(e)) ? 1 : 0));
        var perTransform = evidence.GroupBy(e => e.Transform ?? "(none)").OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Group(g.Key, g.ToList())).ToList();
        // A revisit with two changes counts towards each of them.
        var perChange = evidence.SelectMany(e => (e.Transform ?? "(none)").Split('+').Select(change => (change, e)))
            .GroupBy(x => x.change).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Group(g.Key, g.Select(x => x.e).ToList())).ToList();

        return new EvalReport(set.Layout, model, set.Gallery.Count, set.GalleryScenes.Count, evidence.Count,
            evidence.Count(e => !e.SceneInGallery), verificationUsed, unavailableReason, retrieval, verifiedRetrieval,
            rules, perTransform, timing, perChange, lines) { Evidence = evidence };
    }

    /// <summary>The decided scene (milestone) for one query under the tracker's rule, or null for unmatched.</summary>
    internal static string? Decide(QueryEvidence evidence, MatchRuleSettings settings, bool verificationAvailable, EvidenceLine? line = null, int references = 2) =>
        DecideFully(evidence, settings, verificationAvailable, line ?? new EvidenceLine(0, 0), references).Scene;

    private static (string? Scene, MatchExplanation Explanation) DecideFully(QueryEvidence evidence, MatchRuleSettings settings, bool verificationAvailable, EvidenceLine line, int references)
    {
        var candidates = evidence.Milestones.Select((m, i) => m.ToCandidate(i, evidence.Keypoints, evidence.Coverage, line, references)).ToList();
        var decision = MatchDecisionRule.Decide(candidates, verificationAvailable, settings);
        return (decision.MilestoneId is { } id ? evidence.Milestones[(int)id].Scene : null, decision.Explanation);
    }

    private static readonly int[] LineKeypoints = [0, 50, 100, 200, 300, 500, 1000];
    private static readonly double[] LineCoverages = [0, 0.2, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.9];

    /// <summary>
    /// For each evidence line, the best no-evidence threshold and margin (steps of 0.01) that keep false matches at
    /// most 2% and wrong milestones at most 0.5%. A query the line leaves silent keeps its decision otherwise, so
    /// each line needs one pass of the rule and the grid only re-checks the silent queries' scores.
    /// </summary>
    private static List<LineResult> SweepNoEvidence(IReadOnlyList<QueryEvidence> evidence, MatchRuleSettings before, int references)
    {
        var results = new List<LineResult>();
        var open = evidence.Count(e => !e.SceneInGallery);
        var anyThreshold = before with { NoEvidenceThreshold = float.MinValue, NoEvidenceMargin = float.MinValue };
        foreach (var k in LineKeypoints)
            foreach (var c in LineCoverages)
            {
                var line = new EvidenceLine(k, c);
                var silent = new List<(QueryEvidence E, string? Without, float Score, float Margin, string Scene)>();
                var fixedOutcomes = new List<RetrievalMetrics.DecisionOutcome>();
                foreach (var e in evidence)
                {
                    var without = DecideFully(e, before, true, line, references).Scene;
                    var (scene, why) = DecideFully(e, anyThreshold, true, line, references);
                    if (why.Basis == "no-evidence-cnn-score") silent.Add((e, without, why.BestScore ?? 0, why.Margin ?? 0, scene!));
                    else fixedOutcomes.Add(new(e.Scene, e.SceneInGallery, without));
                }
                // Counted by hand (not Summarize) because the grid is 2,050 settings per line.
                bool Right(string scene, bool inGallery, string? decided) => inGallery ? decided == scene : decided is null;
                var fixedRight = fixedOutcomes.Count(o => Right(o.QueryScene, o.SceneInGallery, o.DecidedScene));
                var fixedFalse = fixedOutcomes.Count(o => !o.SceneInGallery && o.DecidedScene is not null);
                var fixedWrong = fixedOutcomes.Count(o => o.DecidedScene is not null && o.DecidedScene != o.QueryScene);
                (int T, int M, int Right)? best = null;
                for (var t = 99; t >= 50; t--)
                    for (var m = 40; m >= 0; m--)
                    {
                        var (right, falseMatches, wrong) = (fixedRight, fixedFalse, fixedWrong);
                        foreach (var x in silent)
                        {
                            var decided = x.Score >= t / 100f && x.Margin >= m / 100f ? x.Scene : null;
                            if (Right(x.E.Scene, x.E.SceneInGallery, decided)) right++;
                            if (!x.E.SceneInGallery && decided is not null) falseMatches++;
                            if (decided is not null && decided != x.E.Scene) wrong++;
                        }
                        if (falseMatches > 0.02 * open || wrong > 0.005 * evidence.Count) continue;
                        if (best is null || right > best.Value.Right) best = (t, m, right); // ties keep the stricter setting
                    }
                if (best is not { } chosen) continue;
                var final = fixedOutcomes.Concat(silent.Select(x => new RetrievalMetrics.DecisionOutcome(x.E.Scene, x.E.SceneInGallery,
                    x.Score >= chosen.T / 100f && x.Margin >= chosen.M / 100f ? x.Scene : null))).ToList();
                results.Add(new LineResult(line, chosen.T / 100f, chosen.M / 100f, silent.Count, silent.Count(x => !x.E.SceneInGallery),
                    RetrievalMetrics.Summarize(final)));
            }
        return results;
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
        milestones.Select((m, i) => i == 0 ? m : m with { Inliers = null, Checks = null }).ToList();

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
        if (NoEvidenceLines is { Count: > 0 })
        {
            sb.AppendLine();
            sb.AppendLine("no-evidence line (a photo below it says nothing)   silent  silent open-set  best threshold  margin  correct  false-match  wrong-milestone");
            foreach (var l in NoEvidenceLines.Where(l => l.Line.MinKeypoints is 0 or 100 or 300 or 1000))
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"{l.Line,-50} {l.SilentQueries,6}  {l.SilentOpenSet,15}  {F(l.Threshold),14}  {F(l.Margin),6}  {P(l.Summary.Accuracy),7}  {P(l.Summary.FalseMatchRate),11}  {P(l.Summary.WrongMilestoneRate),15}");
        }
        var groups = PerChange is { } changes && changes.Count < PerTransform.Count ? changes : PerTransform;
        if (groups.Count > 1)
        {
            sb.AppendLine();
            sb.AppendLine(ReferenceEquals(groups, PerTransform) ? "revisit kind              queries   top-1   decisions correct"
                                                                 : "change (each revisit has two) queries   top-1   decisions correct");
            foreach (var t in groups)
                sb.AppendLine(CultureInfo.InvariantCulture, $"{t.Transform,-24} {t.Queries,8}  {P(t.Top1),6}  {P(t.DecisionAccuracy),8}");
        }
        sb.AppendLine();
        sb.Append(CultureInfo.InvariantCulture,
            $"time per photo: {Timing.TotalMsPerPhoto:0.0} ms (decode {Timing.DecodeMs:0.0}, embed {Timing.EmbedMs:0.0}, keypoints {Timing.KeypointsMs:0.0}; verify {Timing.VerifyMsPerPair:0.0} ms per pair) over {Timing.Photos} photos");
        if (Timing.FilledPhotos > 0)
            sb.Append(CultureInfo.InvariantCulture, $"; painted-over copies {Timing.FilledMsPerPhoto:0.0} ms each (decode, fill, embed) for {Timing.FilledPhotos} queries");
        if (Timing.Layouts > 0)
            sb.Append(CultureInfo.InvariantCulture, $"; layouts {Timing.LayoutMs:0.0} ms a photo (decoded at a short side of {ImaginAI.Vision.Verification.PhotoLayout.WorkingSide} px) over {Timing.Layouts}, {Timing.LayoutAgreementMs:0.00} ms a comparison");
        sb.AppendLine();
        return sb.ToString();
    }
}
