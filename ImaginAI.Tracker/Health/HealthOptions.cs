using System.ComponentModel.DataAnnotations;

namespace ImaginAI.Tracker.Health;

/// <summary>The "Health" configuration section: when the queue counts as stuck and the data disk as full.</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>/health turns degraded when the oldest photo waiting for embedding or matching has waited longer.</summary>
    [Range(1, 7 * 24 * 60, ErrorMessage = "Health:QueueStuckAfterMinutes must be between 1 and 10080 (a week).")]
    public int QueueStuckAfterMinutes { get; set; } = 30;

    /// <summary>/health and /health/ready turn unhealthy when the data directory's disk has less free space.</summary>
    [Range(0, long.MaxValue, ErrorMessage = "Health:MinFreeDiskMegabytes cannot be negative.")]
    public long MinFreeDiskMegabytes { get; set; } = 500;
}
