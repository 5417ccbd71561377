namespace ImaginAI.Tracker.Telemetry;

/// <summary>
/// Every change of a photo's state, told once: one structured log line (photo id, project id, duration, a stable
/// event id an operator can filter on) and the matching metric. The jobs, the upload and the manager's decision call
/// it where the change commits, so logs and metrics never disagree.
/// </summary>
public sealed partial class PhotoTelemetry(ILogger<PhotoTelemetry> logger, TrackerMeter meter)
{
    public void Added(long photoId, long projectId, string fileName, TimeSpan duration) =>
        LogAdded(logger, photoId, projectId, fileName, duration.TotalMilliseconds);

    public void Embedded(long photoId, long projectId, int attempt, TimeSpan duration)
    {
        meter.EmbeddingDuration.Record(duration.TotalSeconds);
        LogEmbedded(logger, photoId, projectId, attempt, duration.TotalMilliseconds);
    }

    public void EmbeddingRetried(long photoId, long projectId, int attempt, int maxAttempts, string reason, TimeSpan duration) =>
        LogEmbeddingRetried(logger, photoId, projectId, attempt, maxAttempts, reason, duration.TotalMilliseconds);

    public void Failed(long photoId, long projectId, int attempts, string reason, TimeSpan duration)
    {
        meter.Failures.Add(1);
        LogFailed(logger, photoId, projectId, attempts, reason, duration.TotalMilliseconds);
    }

    /// <summary>The matching job's decision: matched to a milestone, or left for a manager's review.</summary>
    public void Decided(long photoId, long projectId, string status, long? milestoneId, string basis, string? why, TimeSpan duration)
    {
        meter.MatchingDuration.Record(duration.TotalSeconds);
        meter.Decisions.Add(1, new KeyValuePair<string, object?>("basis", basis), new KeyValuePair<string, object?>("status", status));
        if (status == Photos.PhotoStatus.Matched) LogMatched(logger, photoId, projectId, milestoneId, basis, duration.TotalMilliseconds, why);
        else LogNeedsReview(logger, photoId, projectId, basis, duration.TotalMilliseconds, why);
    }

    public void DecidedByManager(long photoId, long projectId, string fromStatus, string toStatus, long? milestoneId, TimeSpan duration)
    {
        meter.Decisions.Add(1, new KeyValuePair<string, object?>("basis", "manager"), new KeyValuePair<string, object?>("status", toStatus));
        LogDecidedByManager(logger, photoId, projectId, fromStatus, toStatus, milestoneId, duration.TotalMilliseconds);
    }

    /// <summary>A photo sent back to a queue by a person: a failed one retried, one in review to be decided again.</summary>
    public void Requeued(long photoId, long projectId, string fromStatus, string toStatus, string by, TimeSpan duration) =>
        LogRequeued(logger, photoId, projectId, fromStatus, toStatus, by, duration.TotalMilliseconds);

    [LoggerMessage(EventId = 1100, EventName = "PhotoAdded", Level = LogLevel.Information,
        Message = "Photo {PhotoId} of project {ProjectId} added as pending ({FileName}) in {DurationMs:0} ms")]
    private static partial void LogAdded(ILogger logger, long photoId, long projectId, string fileName, double durationMs);

    [LoggerMessage(EventId = 1101, EventName = "PhotoEmbedded", Level = LogLevel.Information,
        Message = "Photo {PhotoId} of project {ProjectId} embedded (attempt {Attempt}) in {DurationMs:0} ms")]
    private static partial void LogEmbedded(ILogger logger, long photoId, long projectId, int attempt, double durationMs);

    [LoggerMessage(EventId = 1102, EventName = "PhotoEmbeddingRetried", Level = LogLevel.Warning,
        Message = "Photo {PhotoId} of project {ProjectId} stays pending after attempt {Attempt} of {MaxAttempts} ({DurationMs:0} ms): {Reason}")]
    private static partial void LogEmbeddingRetried(ILogger logger, long photoId, long projectId, int attempt, int maxAttempts, string reason, double durationMs);

    [LoggerMessage(EventId = 1103, EventName = "PhotoFailed", Level = LogLevel.Warning,
        Message = "Photo {PhotoId} of project {ProjectId} failed after {Attempts} attempts ({DurationMs:0} ms): {Reason}")]
    private static partial void LogFailed(ILogger logger, long photoId, long projectId, int attempts, string reason, double durationMs);

    [LoggerMessage(EventId = 1104, EventName = "PhotoMatched", Level = LogLevel.Information,
        Message = "Photo {PhotoId} of project {ProjectId} matched milestone {MilestoneId} on {Basis} in {DurationMs:0} ms: {Why}")]
    private static partial void LogMatched(ILogger logger, long photoId, long projectId, long? milestoneId, string basis, double durationMs, string? why);

    [LoggerMessage(EventId = 1105, EventName = "PhotoNeedsReview", Level = LogLevel.Information,
        Message = "Photo {PhotoId} of project {ProjectId} needs review ({Basis}), decided in {DurationMs:0} ms: {Why}")]
    private static partial void LogNeedsReview(ILogger logger, long photoId, long projectId, string basis, double durationMs, string? why);

    [LoggerMessage(EventId = 1106, EventName = "PhotoDecidedByManager", Level = LogLevel.Information,
        Message = "Photo {PhotoId} of project {ProjectId} moved from {FromStatus} to {ToStatus} by a manager (milestone {MilestoneId}) in {DurationMs:0} ms")]
    private static partial void LogDecidedByManager(ILogger logger, long photoId, long projectId, string fromStatus, string toStatus, long? milestoneId, double durationMs);

    [LoggerMessage(EventId = 1107, EventName = "PhotoRequeued", Level = LogLevel.Information,
        Message = "Photo {PhotoId} of project {ProjectId} moved from {FromStatus} back to {ToStatus} by {By} in {DurationMs:0} ms")]
    private static partial void LogRequeued(ILogger logger, long photoId, long projectId, string fromStatus, string toStatus, string by, double durationMs);
}
