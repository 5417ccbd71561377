namespace ImaginAI.Tracker.Embedding;

/// <summary>The "Embedding" configuration section.</summary>
public sealed class EmbeddingOptions
{
    public const string Section = "Embedding";

    /// <summary>After this many failed attempts a photo becomes failed, with the last reason.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The wait before the 2nd attempt; it doubles for each attempt after that.</summary>
    public double RetryBackoffSeconds { get; set; } = 10;

    /// <summary>How often the job looks for due retries (uploads wake it at once).</summary>
    public int IntervalSeconds { get; set; } = 5;

    /// <summary>Photos per forward pass.</summary>
    public int BatchSize { get; set; } = 8;

    public TimeSpan BackoffAfter(int attempts) =>
        TimeSpan.FromSeconds(RetryBackoffSeconds * Math.Pow(2, Math.Max(0, attempts - 1)));
}
