namespace ImaginAI.Tracker.Matching;

/// <summary>The "Matching" configuration section.</summary>
public sealed class MatchingOptions
{
    public const string Section = "Matching";

    /// <summary>How often the job looks for embedded photos (new embeddings also wake it at once).</summary>
    public int IntervalSeconds { get; set; } = 5;

    /// <summary>
    /// The cosine similarity to a milestone's reference photos at or above which a photo is matched to it, for
    /// projects that set none. Chosen by measurement: see docs/BENCHMARKS.md (tracker section).
    /// </summary>
    public double DefaultThreshold { get; set; } = 0.85;

    /// <summary>Photos decided per database round.</summary>
    public int BatchSize { get; set; } = 100;
}
