using ImaginAI.Tracker.Errors;
using ImaginAI.Tracker.Matching;
using ImaginAI.Tracker.Security;
using ImaginAI.Vision.Alignment;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImaginAI.Tracker.Timelapse;

/// <summary>One frame as the page shows it: the photo, when it was taken, and the aligned picture's address.</summary>
public sealed record TimelapseFrameJson(long PhotoId, string FileName, DateTimeOffset TakenAt, string? Milestone, int? Inliers, string Url);

/// <summary>A build in progress: <c>phase</c> is queued, checking (photos against the reference), drawing (frames) or video.</summary>
public sealed record TimelapseProgressJson(string Phase, int Done, int Total);

/// <summary>
/// The time-lapse of a spot. <c>status</c>: <c>ready</c> (the frames are those of the current set of photos),
/// <c>building</c> (in the background; <c>frames</c> are the last build's, if any, until it is done), <c>failed</c>
/// (<c>error</c> says why; asking again retries) or <c>unavailable</c> (OpenCV cannot load here).
/// <c>leftOut</c> counts the later photos of the project that would not align with the reference.
/// </summary>
public sealed record TimelapseJson(
    long ReferenceId, string Status, TimelapseProgressJson? Progress, string? Error, int Width, int Height, int MinInliers,
    IReadOnlyList<TimelapseFrameJson> Frames, int LeftOut, int LaterPhotos, string? VideoUrl, string? FramesZipUrl, DateTimeOffset? BuiltAt);

public static class TimelapseApi
{
    public static IServiceCollection AddTimelapse(this IServiceCollection services)
    {
        services.AddSingleton<TimelapseRepository>();
        services.AddSingleton<TimelapseBuilder>();
        services.AddSingleton<TimelapseQueue>();
        services.AddHostedService(provider => provider.GetRequiredService<TimelapseQueue>());
        return services;
    }

    /// <summary>The time-lapse endpoints under /api/photos/{photoId}: for members of the photo's project.</summary>
    public static IEndpointRouteBuilder MapTimelapseApi(this IEndpointRouteBuilder app)
    {
        var photos = app.MapGroup("/api/photos").RequireAuthorization(Policies.PhotoMember);
        photos.MapGet("/{photoId:long}/timelapse", GetAsync).ProducesProblem(StatusCodes.Status404NotFound);
        photos.MapPost("/{photoId:long}/timelapse", RetryAsync).ProducesProblem(StatusCodes.Status404NotFound);
        photos.MapGet("/{photoId:long}/timelapse/frames/{frameId:long}", GetFrameAsync)
            .Produces(StatusCodes.Status200OK, typeof(Stream), "image/jpeg").ProducesProblem(StatusCodes.Status404NotFound);
        photos.MapGet("/{photoId:long}/timelapse/video", GetVideoAsync)
            .Produces(StatusCodes.Status200OK, typeof(Stream), TimelapseVideo.ContentType).ProducesProblem(StatusCodes.Status404NotFound);
        photos.MapGet("/{photoId:long}/timelapse/frames.zip", GetZipAsync)
            .Produces(StatusCodes.Status200OK, typeof(Stream), "application/zip").ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>The time-lapse of this photo's spot; made (or made again, when photos joined or left the set) in the background.</summary>
    private static Task<Results<Ok<TimelapseJson>, ProblemHttpResult>> GetAsync(
        long photoId, TimelapseBuilder builder, TimelapseQueue queue, CancellationToken cancellationToken) =>
        StateAsync(photoId, builder, queue, retry: false, cancellationToken);

    /// <summary>Makes the time-lapse again after a failure (a ready one is left as it is); answers as GET does.</summary>
    private static Task<Results<Ok<TimelapseJson>, ProblemHttpResult>> RetryAsync(
        long photoId, TimelapseBuilder builder, TimelapseQueue queue, CancellationToken cancellationToken) =>
        StateAsync(photoId, builder, queue, retry: true, cancellationToken);

    private static async Task<Results<Ok<TimelapseJson>, ProblemHttpResult>> StateAsync(
        long photoId, TimelapseBuilder builder, TimelapseQueue queue, bool retry, CancellationToken cancellationToken)
    {
        if (await builder.GetSetAsync(photoId) is not { } set) return Problems.NoSuchPhoto(photoId);
        var manifest = await builder.ReadManifestAsync(photoId, cancellationToken);
        if (!PhotoVerifier.IsAvailable)
            return TypedResults.Ok(Json(photoId, "unavailable", null, PhotoVerifier.UnavailableReason, null, set));
        var work = queue.Get(photoId);
        if (manifest?.Stamp == set.Stamp && work is not { Running: true }) return TypedResults.Ok(Json(photoId, "ready", null, null, manifest, set));
        // A failure is shown until the set changes or someone asks to try again.
        if (!retry && work is { Running: false, Error: { } error } && work.Stamp == set.Stamp)
            return TypedResults.Ok(Json(photoId, "failed", null, error, manifest, set));
        queue.Request(photoId, set.Stamp, retry);
        return TypedResults.Ok(Building(photoId, queue, manifest, set));
    }

    private static TimelapseJson Building(long photoId, TimelapseQueue queue, TimelapseManifest? manifest, TimelapseSet set)
    {
        var progress = queue.Get(photoId)?.Progress;
        return Json(photoId, "building", progress is null ? null : new TimelapseProgressJson(progress.Phase, progress.Done, progress.Total), null, manifest, set);
    }

    private static TimelapseJson Json(long photoId, string status, TimelapseProgressJson? progress, string? error, TimelapseManifest? manifest, TimelapseSet set)
    {
        var frames = manifest?.Frames.Select(f => new TimelapseFrameJson(f.PhotoId, f.FileName, f.TakenAt, f.Milestone, f.Inliers,
            $"/api/photos/{photoId}/timelapse/frames/{f.PhotoId}?v={f.File[^20..^4]}")).ToList() ?? [];
        return new TimelapseJson(photoId, status, progress, error, manifest?.Width ?? 0, manifest?.Height ?? 0, set.MinInliers, frames,
            manifest?.LeftOut ?? 0, set.Candidates.Count,
            manifest?.Video is null ? null : $"/api/photos/{photoId}/timelapse/video",
            manifest is null ? null : $"/api/photos/{photoId}/timelapse/frames.zip", manifest?.BuiltAt);
    }

    private static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> GetFrameAsync(
        long photoId, long frameId, TimelapseBuilder builder, CancellationToken cancellationToken)
    {
        if (await builder.ReadManifestAsync(photoId, cancellationToken) is not { } manifest) return NotMade();
        if (manifest.Frames.FirstOrDefault(f => f.PhotoId == frameId) is not { } frame)
            return Problems.NotFound($"Photo {frameId} is not a frame of this time-lapse.");
        var path = Path.Combine(builder.FolderOf(photoId), "frames", frame.File);
        if (!File.Exists(path)) return NotMade();
        return TypedResults.PhysicalFile(path, "image/jpeg", enableRangeProcessing: false);
    }

    private static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> GetVideoAsync(
        long photoId, TimelapseBuilder builder, CancellationToken cancellationToken)
    {
        if (await builder.ReadManifestAsync(photoId, cancellationToken) is not { Video: { } video }) return NotMade();
        var path = Path.Combine(builder.FolderOf(photoId), video);
        if (!File.Exists(path)) return NotMade();
        return TypedResults.PhysicalFile(path, TimelapseVideo.ContentType, $"timelapse-photo-{photoId}.mp4", enableRangeProcessing: true);
    }

    /// <summary>The aligned frames as JPEGs named by date, for players that cannot open MPEG-4 Part 2; streamed as it is written.</summary>
    private static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> GetZipAsync(
        long photoId, TimelapseBuilder builder, CancellationToken cancellationToken)
    {
        if (await builder.ReadManifestAsync(photoId, cancellationToken) is not { } manifest) return NotMade();
        var folder = Path.Combine(builder.FolderOf(photoId), "frames");
        return TypedResults.Stream(async body =>
        {
            await using var drained = new DrainedStream(body);
            using (var zip = new System.IO.Compression.ZipArchive(drained, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
            {
                for (var i = 0; i < manifest.Frames.Count; i++)
                {
                    var frame = manifest.Frames[i];
                    var path = Path.Combine(folder, frame.File);
                    if (!File.Exists(path)) continue;
                    // JPEGs do not shrink further: stored, not deflated.
                    var entry = zip.CreateEntry($"{i + 1:D3}-{frame.TakenAt:yyyy-MM-dd}-photo-{frame.PhotoId}.jpg", System.IO.Compression.CompressionLevel.NoCompression);
                    using (var to = entry.Open())
                        to.Write(await File.ReadAllBytesAsync(path, cancellationToken));
                    await drained.DrainAsync(cancellationToken);
                }
            }
            await drained.DrainAsync(cancellationToken);
        }, "application/zip", $"timelapse-photo-{photoId}-frames.zip");
    }

    private static ProblemHttpResult NotMade() =>
        Problems.NotFound("This time-lapse has not been made yet. Open its page and wait until it says it is ready.");
}
