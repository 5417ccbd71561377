using System.Collections.Concurrent;
using System.Threading.Channels;
using ImaginAI.Tracker.Matching;

namespace ImaginAI.Tracker.Timelapse;

/// <summary>Where a photo's time-lapse stands: being made (with progress), failed (with why), or neither.</summary>
public sealed record TimelapseWork(bool Running, TimelapseProgress? Progress, string? Error, string Stamp);

/// <summary>
/// Time-lapses are made one at a time in the background (a hosted service reading a queue of reference photo ids),
/// so a page asking for one never waits on the work and two pages asking for the same one start it once. The queue
/// is not kept across restarts: the next visit to the page finds the time-lapse out of date and queues it again.
/// </summary>
public sealed class TimelapseQueue(TimelapseBuilder builder, ILogger<TimelapseQueue> logger) : BackgroundService
{
    private readonly Channel<long> queue = Channel.CreateUnbounded<long>();
    private readonly ConcurrentDictionary<long, TimelapseWork> work = new();
    private readonly Lock gate = new();

    /// <summary>
    /// Queues a build of this photo's time-lapse (of the set named by <paramref name="stamp"/>) unless one is already
    /// queued or running, or the last one for that set failed and <paramref name="retry"/> is false.
    /// </summary>
    public void Request(long referenceId, string stamp, bool retry = false)
    {
        lock (gate)
        {
            if (work.TryGetValue(referenceId, out var current) && (current.Running || (current.Stamp == stamp && !retry))) return;
            work[referenceId] = new TimelapseWork(true, new TimelapseProgress("queued", 0, 0), null, stamp);
        }
        queue.Writer.TryWrite(referenceId);
    }

    /// <summary>The state of this photo's build, or null when none was asked for since start-up.</summary>
    public TimelapseWork? Get(long referenceId) => work.GetValueOrDefault(referenceId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await builder.RemoveOrphansAsync();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Data.Common.DbException)
        {
            logger.LogWarning(e, "Time-lapses of removed photos could not be tidied away");
        }
        await foreach (var referenceId in queue.Reader.ReadAllAsync(stoppingToken))
        {
            var stamp = work.TryGetValue(referenceId, out var asked) ? asked.Stamp : "";
            var progress = new Progress(this, referenceId, stamp);
            try
            {
                await builder.BuildAsync(referenceId, progress, stoppingToken);
                work.TryRemove(referenceId, out _);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "The time-lapse of photo {PhotoId} could not be made", referenceId);
                work[referenceId] = new TimelapseWork(false, null, PlainReason(e), stamp);
            }
        }
    }

    private static string PlainReason(Exception e) => e switch
    {
        _ when !PhotoVerifier.IsAvailable => PhotoVerifier.UnavailableReason!,
        IOException io when Data.StorageErrors.IsDiskFull(io) => "The server's disk is full, so the frames could not be saved.",
        IOException or UnauthorizedAccessException => "A photo's file could not be read or a frame could not be saved on the server.",
        ImaginAI.Vision.Decoding.PhotoDecodeException => "One of the photos could not be read as a picture.",
        _ => "Something went wrong while making it. Try again later.",
    };

    // Synchronous, unlike Progress<T>: the page must never see the progress go backwards.
    private sealed class Progress(TimelapseQueue owner, long referenceId, string stamp) : IProgress<TimelapseProgress>
    {
        public void Report(TimelapseProgress value) => owner.work[referenceId] = new TimelapseWork(true, value, null, stamp);
    }
}
