using System.ComponentModel.DataAnnotations;

namespace ImaginAI.Tracker.Webhooks;

/// <summary>The "Webhooks" configuration section.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>How often due deliveries are looked for (new events wake the sender at once).</summary>
    [Range(1, 3600, ErrorMessage = "Webhooks:IntervalSeconds must be between 1 and 3600.")]
    public int IntervalSeconds { get; set; } = 5;

    /// <summary>The wait after the first failed attempt; it doubles after each, up to <see cref="MaxBackoffSeconds"/>.</summary>
    [Range(0.01, 3600, ErrorMessage = "Webhooks:RetryBackoffSeconds must be between 0.01 and 3600.")]
    public double RetryBackoffSeconds { get; set; } = 30;

    [Range(1, 86400, ErrorMessage = "Webhooks:MaxBackoffSeconds must be between 1 and 86400.")]
    public double MaxBackoffSeconds { get; set; } = 3600;

    /// <summary>A delivery not accepted within this many hours of its event is given up (kept, marked failed).</summary>
    [Range(0.001, 168, ErrorMessage = "Webhooks:RetryForHours must be between 0.001 and 168 (a week).")]
    public double RetryForHours { get; set; } = 24;

    /// <summary>Per attempt: connecting, sending and reading the answer.</summary>
    [Range(1, 60, ErrorMessage = "Webhooks:TimeoutSeconds must be between 1 and 60.")]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Tests only: allows receivers on loopback and private addresses, and plain http to loopback. Off, a URL that
    /// resolves to such an address is refused when subscribing and again when connecting.
    /// </summary>
    public bool AllowLoopback { get; set; }

    public TimeSpan BackoffAfter(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(MaxBackoffSeconds, RetryBackoffSeconds * Math.Pow(2, Math.Max(0, attempts - 1))));
}

/// <summary>The events a project can subscribe to.</summary>
public static class WebhookEvents
{
    public const string PhotoMatched = "photo.matched";
    public const string PhotoNeedsReview = "photo.needs_review";
    public const string MilestoneReached = "milestone.reached";
    public const string PhotoFailed = "photo.failed";

    public static readonly IReadOnlyList<string> All = [PhotoMatched, PhotoNeedsReview, MilestoneReached, PhotoFailed];
}
