using System.Diagnostics.Metrics;

namespace ImaginAI.Tracker.Telemetry;

/// <summary>
/// The app's own instruments (meter "ImaginAI.Tracker"). Photo counts and the queue's age are read from the database
/// when scraped, so they are right after a restart; durations and decisions are recorded as they happen.
/// </summary>
public sealed class TrackerMeter : IDisposable
{
    public const string Name = "ImaginAI.Tracker";

    // Seconds: an embedding batch takes 0.05-2 s on two cores, a keypoint-verified decision 0.01-1 s.
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Meter meter;

    public TrackerMeter(IMeterFactory meters, Photos.PhotoRepository photos, Jobs.JobsRepository jobs, TimeProvider clock)
    {
        meter = meters.Create(Name);
        EmbeddingDuration = meter.CreateHistogram("imaginai.embedding.duration", "s",
            "Time to decode and embed a photo, as the batch it was embedded in took.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        MatchingDuration = meter.CreateHistogram("imaginai.matching.duration", "s",
            "Time to rank, verify and decide one photo.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        Decisions = meter.CreateCounter<long>("imaginai.decisions", "{decision}",
            "Decisions on photos, by basis (keypoints, cnn-score, manager, ...) and resulting status.");
        Failures = meter.CreateCounter<long>("imaginai.photos.failed", "{photo}", "Photos that failed for good.");
        meter.CreateObservableGauge("imaginai.photos", () => CountByStatus(photos), "{photo}", "Stored photos by status.");
        meter.CreateObservableGauge("imaginai.queue.oldest_age", () => OldestWaitingAge(jobs, clock), "s",
            "How long the oldest photo still waiting for embedding or matching has waited (0 when none waits).");
    }

    public Histogram<double> EmbeddingDuration { get; }
    public Histogram<double> MatchingDuration { get; }
    public Counter<long> Decisions { get; }
    public Counter<long> Failures { get; }

    // Observable instruments are read synchronously by the exporter; the queries are the jobs page's own.
    private static IEnumerable<Measurement<long>> CountByStatus(Photos.PhotoRepository photos) =>
        photos.CountByStatusAsync().GetAwaiter().GetResult()
            .Select(c => new Measurement<long>(c.Value, new KeyValuePair<string, object?>("status", c.Key))).ToList();

    private static double OldestWaitingAge(Jobs.JobsRepository jobs, TimeProvider clock) =>
        jobs.GetOldestWaitingAsync().GetAwaiter().GetResult() is { } oldest
            ? Math.Max(0, (clock.GetUtcNow() - oldest.UploadedAt).TotalSeconds)
            : 0;

    public void Dispose() => meter.Dispose();
}
