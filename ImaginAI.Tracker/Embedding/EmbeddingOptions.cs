using System.ComponentModel.DataAnnotations;

namespace ImaginAI.Tracker.Embedding;

/// <summary>The "Embedding" configuration section.</summary>
public sealed class EmbeddingOptions
{
    public const string Section = "Embedding";

    /// <summary>After this many failed attempts a photo becomes failed, with the last reason.</summary>
    [Range(1, 100, ErrorMessage = "Embedding:MaxAttempts must be between 1 and 100.")]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The wait before the 2nd attempt; it doubles for each attempt after that.</summary>
    [Range(0, 86400, ErrorMessage = "Embedding:RetryBackoffSeconds must be between 0 and 86400 (a day).")]
    public double RetryBackoffSeconds { get; set; } = 10;

    /// <summary>How often the job looks for due retries (uploads wake it at once).</summary>
    [Range(1, 86400, ErrorMessage = "Embedding:IntervalSeconds must be between 1 and 86400 (a day).")]
    public int IntervalSeconds { get; set; } = 5;

    /// <summary>Photos per forward pass.</summary>
    [Range(1, 256, ErrorMessage = "Embedding:BatchSize must be between 1 and 256.")]
    public int BatchSize { get; set; } = 8;

    public TimeSpan BackoffAfter(int attempts) =>
        TimeSpan.FromSeconds(RetryBackoffSeconds * Math.Pow(2, Math.Max(0, attempts - 1)));
}
