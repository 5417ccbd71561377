using System.Diagnostics;
using ImaginAI.Tracker.Jobs;
using ImaginAI.Tracker.Matching;
using ImaginAI.Tracker.Photos;
using ImaginAI.Tracker.Scheduling;
using ImaginAI.Tracker.Telemetry;
using ImaginAI.Tracker.Timeline;
using ImaginAI.Tracker.Vision;
using ImaginAI.Vision;
using ImaginAI.Vision.Decoding;
using ImaginAI.Vision.Vectors;
using Microsoft.Extensions.Options;
using Quartz;

namespace ImaginAI.Tracker.Embedding;

/// <summary>
/// Turns pending photos into vectors, a batch per forward pass, until none is due; then re-embeds, in the
/// background, photos that only have vectors of another model than the configured one. Its input is the photos'
/// status in the database, so a restart simply picks up where it stopped.
/// </summary>
[DisallowConcurrentExecution]
public sealed class EmbeddingJob(
    EmbeddingRepository embeddings,
    PhotoFileStore files,
    FeatureExtractorProvider vision,
    VectorIndexRegistry indexes,
    MatchingQueue matching,
    PhotoVerifier verifier,
    BackgroundCpu cpu,
    IOptions<MatchingOptions> matchingOptions,
    TimelineNotifier notifier,
    ReembeddingFailures reembeddingFailures,
    JobControls controls,
    PhotoTelemetry telemetry,
    Webhooks.WebhookPublisher webhooks,
    Data.WorkClaims claims,
    Data.MaintenanceLock maintenance,
    IOptions<EmbeddingOptions> options,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<EmbeddingJob> logger) : IJob
{
    public static readonly JobKey Key = new("embedding");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (await controls.IsPausedAsync(JobQueues.Embedding)) return;
        if (!vision.TryGet(out var extractor, out var error))
        {
            logger.LogWarning("Photos stay pending: {Reason}", error);
            return;
        }
        var settings = options.Value;
        // On shutdown the batch in hand is finished and committed; the rest stays pending for the next start.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        cancellationToken = stopping.Token;

        // A pause takes effect after the batch in hand.
        while (!cancellationToken.IsCancellationRequested && !await controls.IsPausedAsync(JobQueues.Embedding))
        {
            var due = await embeddings.ClaimDueAsync(clock.GetUtcNow(), settings.BatchSize);
            if (due.Count == 0) break;
            logger.LogDebug("Embedding {Count} photos with model {ModelId}", due.Count, extractor!.Model.Id);
            var started = new List<PhotoToEmbed>();
            foreach (var photo in due)
                if (await embeddings.StartAttemptAsync(photo.Id, clock.GetUtcNow() + settings.BackoffAfter(photo.Attempts + 1)))
                    started.Add(photo with { Attempts = photo.Attempts + 1 });

            var embedded = await EmbedAsync(extractor!, started, markEmbedded: true);
            // Each photo embedded or failed left its claim as it was recorded; any other goes back to every node.
            await claims.ReleaseAsync(due.Select(p => p.Id));
            if (embedded > 0) await matching.WakeAsync();
        }

        // Re-embedding after a model change is maintenance: one node of a cluster does it at a time.
        await using var turn = await maintenance.TryTakeAsync(Data.MaintenanceLock.Reembedding, cancellationToken);
        if (turn is null) return;

        while (!cancellationToken.IsCancellationRequested && !await controls.IsPausedAsync(JobQueues.Embedding))
        {
            var stale = await embeddings.GetAwaitingReembeddingAsync(extractor!.Model.Id, settings.BatchSize, reembeddingFailures.Snapshot());
            if (stale.Count == 0) break;
            logger.LogInformation("Re-embedding {Count} photos with model {ModelId}", stale.Count, extractor.Model.Id);
            if (await EmbedAsync(extractor, stale, markEmbedded: false) > 0) await matching.WakeAsync();
        }
    }

    /// <summary>Decodes each photo on its own (one bad file fails alone), embeds the good ones together. Returns how many were stored.</summary>
    private async Task<int> EmbedAsync(IFeatureExtractor extractor, IReadOnlyList<PhotoToEmbed> photos, bool markEmbedded)
    {
        var decoded = new List<(PhotoToEmbed Photo, DecodedPhoto Pixels)>();
        var started = Stopwatch.GetTimestamp();
        try
        {
            // Decoding a phone JPEG costs more than the int8 forward, and one decode uses one core: spreading the
            // batch's decodes over the cores took 12-MP photos from 17.6 to 24.1 a second (docs/BENCHMARKS.md).
            // Where matching verifies keypoints, the one decode is made at the size keypoints need and also feeds
            // the keypoint detector, whose features are kept by SHA-256: matching never decodes a file again.
            var describing = PhotoVerifier.IsAvailable && matchingOptions.Value.VerifyKeypoints;
            var decodeOptions = describing ? verifier.DecodeOptionsFor(extractor.DecodeOptions) : extractor.DecodeOptions;
            var loaded = new (DecodedPhoto? Pixels, Exception? Error)[photos.Count];
            await Parallel.ForAsync(0, photos.Count, cpu.Options, async (i, _) =>
            {
                try
                {
                    var bytes = await File.ReadAllBytesAsync(files.PhotoPath(photos[i].Sha256, photos[i].ContentType));
                    loaded[i] = (PhotoDecoder.Decode(bytes, decodeOptions), null);
                }
                catch (Exception e)
                {
                    loaded[i] = (null, e);
                    return;
                }
                if (describing) await KeepKeypointsAsync(photos[i], loaded[i].Pixels!);
            });
            for (var i = 0; i < photos.Count; i++)
                if (loaded[i].Pixels is { } pixels) decoded.Add((photos[i], pixels));
            for (var i = 0; i < photos.Count; i++)
                if (loaded[i].Error is { } error) await FailAsync(photos[i], error, markEmbedded, Stopwatch.GetElapsedTime(started));
            if (decoded.Count == 0) return 0;

            IReadOnlyList<FeatureVector?> vectors;
            try
            {
                var batch = decoded.Select(d => d.Pixels).ToList();
                vectors = await Task.Factory.StartNew(() => extractor.ExtractBatch(batch), CancellationToken.None, TaskCreationOptions.None, cpu);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "A batch of {Count} photos failed; embedding them one by one", decoded.Count);
                vectors = await ExtractOneByOneAsync(extractor, decoded, markEmbedded, started);
            }

            var stored = 0;
            for (var i = 0; i < decoded.Count; i++)
            {
                if (vectors[i] is not { } vector) continue;
                var photo = decoded[i].Photo;
                var changed = await embeddings.SaveAsync(photo.Id, vector, markEmbedded, clock.GetUtcNow());
                await indexes.UpsertAsync(photo.ProjectId, photo.Id, vector);
                stored++;
                if (!changed) continue;
                telemetry.Embedded(photo.Id, photo.ProjectId, photo.Attempts, Stopwatch.GetElapsedTime(started));
                await notifier.PhotoUpdatedAsync(photo.Id);
            }
            return stored;
        }
        finally
        {
            foreach (var (_, pixels) in decoded) pixels.Dispose();
        }
    }

    private async Task KeepKeypointsAsync(PhotoToEmbed photo, DecodedPhoto pixels)
    {
        if (verifier.IsKept(photo.Sha256)) return;
        try
        {
            if (verifier.DescribeForStorage(pixels) is { } keypoints) await verifier.KeepAsync(photo.Sha256, keypoints, CancellationToken.None);
        }
        catch (Exception e)
        {
            // Not this stage's failure: the embedding goes on, and matching finds the features itself (and says why not).
            logger.LogWarning(e, "Keypoint features of photo {PhotoId} could not be found while embedding it", photo.Id);
        }
    }

    private async Task<IReadOnlyList<FeatureVector?>> ExtractOneByOneAsync(
        IFeatureExtractor extractor, List<(PhotoToEmbed Photo, DecodedPhoto Pixels)> decoded, bool markEmbedded, long started)
    {
        var vectors = new FeatureVector?[decoded.Count];
        for (var i = 0; i < decoded.Count; i++)
        {
            try
            {
                vectors[i] = extractor.Extract(decoded[i].Pixels);
            }
            catch (Exception e)
            {
                await FailAsync(decoded[i].Photo, e, markEmbedded, Stopwatch.GetElapsedTime(started));
            }
        }
        return vectors;
    }

    private async Task FailAsync(PhotoToEmbed photo, Exception exception, bool pending, TimeSpan duration)
    {
        var reason = exception switch
        {
            PhotoDecodeException decode => decode.Message,
            FileNotFoundException or DirectoryNotFoundException => "The photo's file is missing from the server's storage.",
            _ => $"The photo could not be analysed: {exception.Message}",
        };
        if (!pending)
        {
            logger.LogWarning("Re-embedding photo {PhotoId} failed: {Reason}", photo.Id, reason);
            reembeddingFailures.Add(photo.Id);
            return;
        }
        var settings = options.Value;
        var lastAttempt = photo.Attempts >= settings.MaxAttempts;
        if (!await embeddings.RecordFailureAsync(photo.Id, reason, lastAttempt, clock.GetUtcNow() + settings.BackoffAfter(photo.Attempts)))
            return;
        if (lastAttempt) telemetry.Failed(photo.Id, photo.ProjectId, photo.Attempts, reason, duration);
        else telemetry.EmbeddingRetried(photo.Id, photo.ProjectId, photo.Attempts, settings.MaxAttempts, reason, duration);
        await notifier.PhotoUpdatedAsync(photo.Id);
        if (lastAttempt) await webhooks.PhotoFailedAsync(photo.Id);
    }
}

/// <summary>Photos whose re-embedding failed; not retried until the next start (they keep their earlier decision).</summary>
public sealed class ReembeddingFailures
{
    private readonly HashSet<long> photoIds = [];

    public void Add(long photoId)
    {
        lock (photoIds) photoIds.Add(photoId);
    }

    public IReadOnlyCollection<long> Snapshot()
    {
        lock (photoIds) return [.. photoIds];
    }
}
