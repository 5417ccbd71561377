using ImaginAI.Tracker.Evaluation;
using Outcome = ImaginAI.Tracker.Evaluation.RetrievalMetrics.DecisionOutcome;

namespace ImaginAI.Tests.Unit.Evaluation;

public class RetrievalMetricsTests
{
    [Fact]
    public void AveragePrecision_RelevantAtRanksTwoAndFour_IsMeanOfPrecisionAtThoseRanks()
    {
        // Relevant photos (scene "a") at ranks 2 and 4: precision 1/2 and 2/4, so AP = (0.5 + 0.5) / 2 = 0.5.
        Assert.Equal(0.5, RetrievalMetrics.AveragePrecision("a", ["b", "a", "c", "a", "d"]), 6);
        // At ranks 1 and 3: (1/1 + 2/3) / 2 = 5/6.
        Assert.Equal(5.0 / 6, RetrievalMetrics.AveragePrecision("a", ["a", "b", "a"]), 6);
    }

    [Fact]
    public void TopOneAndRecallAtFive_TwinAtRankFive_MissesTopOneButIsRecalled()
    {
        string[] ranking = ["b", "c", "d", "e", "a", "f"];
        Assert.Equal(0, RetrievalMetrics.TopOne("a", ranking));
        Assert.Equal(1, RetrievalMetrics.RecallAt(5, "a", ranking));
        Assert.Equal(0, RetrievalMetrics.RecallAt(4, "a", ranking));
    }

    [Fact]
    public void Summarize_OpenSetQueryMatched_CountsAsFalseMatchAndWrongMilestone()
    {
        Outcome[] outcomes =
        [
            new("a", true, "a"),   // right
            new("b", true, null),  // missed: not a false match, but not correct either
            new("c", true, "a"),   // matched to the wrong milestone
            new("x", false, null), // open-set, rightly unmatched
            new("y", false, "b"),  // open-set, wrongly matched: a false match
        ];

        var summary = RetrievalMetrics.Summarize(outcomes);

        Assert.Equal(2.0 / 5, summary.Accuracy, 6);          // a and x
        Assert.Equal(1.0 / 3, summary.ClosedSetAccuracy, 6);  // a of {a, b, c}
        Assert.Equal(1.0 / 2, summary.OpenSetAccuracy, 6);    // x of {x, y}
        Assert.Equal(1.0 / 2, summary.FalseMatchRate, 6);     // y of the 2 open-set queries
        Assert.Equal(2.0 / 5, summary.WrongMilestoneRate, 6); // c and y of all 5
        Assert.Equal(1.0 / 3, summary.AutoMatchPrecision, 6); // a of the 3 matches {a, c, y}
    }
}
