using System.ComponentModel.DataAnnotations;
using ImaginAI.Vision.Vectors;

namespace ImaginAI.Tracker.Matching;

/// <summary>The similarity index ("VectorIndex" section); the defaults are the ones docs/BENCHMARKS.md measured.</summary>
public sealed class VectorIndexOptions
{
    public const string Section = "VectorIndex";

    /// <summary>How often new embeddings, re-embeddings and deletions are read from the change log.</summary>
    [Range(50, 60_000)]
    public int PollMilliseconds { get; set; } = 250;

    /// <summary>How often, at most, the index file is rewritten while vectors change (and always at shutdown).</summary>
    [Range(1, 86_400)]
    public int SaveIntervalSeconds { get; set; } = 300;

    /// <summary>Approximate hits re-ranked with their exact float32 vectors, read from the database.</summary>
    [Range(10, 1000)]
    public int Shortlist { get; set; } = 40;

    /// <summary>Share of the k-means partitions a search over most projects visits.</summary>
    [Range(0.001, 1.0)]
    public double ProbeFraction { get; set; } = 0.04;

    /// <summary>Below this many vectors of a model no partitions are built: scanning them all is already fast.</summary>
    [Range(1_000, int.MaxValue)]
    public int MinVectorsForPartitions { get; set; } = 20_000;

    public VectorIndexSettings ToSettings() => new()
    {
        Shortlist = Shortlist,
        ProbeFraction = ProbeFraction,
        MinVectorsForPartitions = MinVectorsForPartitions,
    };
}
