using ImaginAI.Tracker.ApiDocs;
using ImaginAI.Tracker.Data;
using ImaginAI.Tracker.Errors;
using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Scheduling;
using ImaginAI.Tracker.Security;
using ImaginAI.Tracker.Timeline;
using ImaginAI.Vision.Decoding;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ImaginAI.Tracker.Photos;

public sealed record SetMilestoneRequest(long? MilestoneId);

/// <summary>
/// The upload form as the OpenAPI document describes it: one "files" part per photo, and optional details that apply to
/// every photo of the request (a note, and tags separated by commas: "roof, north wall").
/// </summary>
public sealed record UploadForm(IFormFileCollection Files, long? MilestoneId, DateTimeOffset? TakenAt, string? Note, string? Tags);

public static class PhotosApi
{
    public static IServiceCollection AddPhotos(this IServiceCollection services)
    {
        services.AddSingleton<PhotoRepository>();
        services.AddSingleton<PhotoCommentRepository>();
        services.AddSingleton<PhotoDecisionHistory>();
        services.AddSingleton<PhotoFileStore>();
        services.AddSingleton<ThumbnailService>();
        services.AddSingleton<PhotoChanges>();
        services.AddHostedService<PhotoStoreSweeper>();
        services.AddScoped<PhotoUploadService>();
        services.AddRecurringJob<PhotoPurgeJob>(PhotoPurgeJob.Key,
            sp => TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<StorageOptions>>().Value.PurgeIntervalSeconds), JobScope.Cluster);
        // The upload API streams its multipart body itself; form binding elsewhere gets the same per-request cap.
        // No form of the app has more than a few dozen fields: 20,000 fields once took 34 s to read.
        services.AddOptions<FormOptions>().Configure<IOptions<StorageOptions>>((form, storage) =>
        {
            form.MultipartBodyLengthLimit = storage.Value.MaxUploadBytes * storage.Value.MaxFilesPerRequest;
            form.ValueCountLimit = 128;
            form.MultipartHeadersLengthLimit = 8 * 1024;
        });
        return services;
    }

    public static IEndpointRouteBuilder MapPhotosApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/projects/{projectId:long}/photos",
            (long projectId, HttpContext http, PhotoUploadService uploads, CancellationToken cancellationToken) =>
                uploads.UploadAsync(projectId, http, cancellationToken))
            .RequireAuthorization(Policies.ProjectMember)
            // The service streams the multipart body itself, so the contract is declared here.
            .DocumentsForm<UploadForm>()
            .Produces<List<UploadedFileResult>>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .RefuseChangesWhenArchived();
        var photos = app.MapGroup("/api/photos").RequireAuthorization(Policies.PhotoMember).RefuseChangesWhenArchived();
        photos.MapGet("/{photoId:long}", GetPhotoAsync).ProducesProblem(StatusCodes.Status404NotFound);
        photos.MapGet("/{photoId:long}/thumbnail", GetThumbnailAsync).Produces(StatusCodes.Status200OK, typeof(Stream), "image/jpeg")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        photos.MapGet("/{photoId:long}/file", GetFileAsync)
            .Produces(StatusCodes.Status200OK, typeof(Stream), "image/jpeg", "image/png", "image/webp", "image/gif", "image/bmp")
            .ProducesProblem(StatusCodes.Status404NotFound);
        photos.MapGet("/{photoId:long}/decisions", GetDecisionsAsync).ProducesProblem(StatusCodes.Status404NotFound);
        photos.MapPut("/{photoId:long}/milestone", SetMilestoneAsync).RequireAuthorization(Policies.PhotoManager)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        photos.MapPhotoCompare();
        photos.MapPhotoChanges();
        photos.MapPhotoTidy();
        app.MapPhotoReview();
        app.MapPhotoContext();
        app.MapPhotoComments();
        return app;
    }

    private static async Task<Results<Ok<PhotoJson>, ProblemHttpResult>> GetPhotoAsync(long photoId, PhotoRepository photos) =>
        await photos.GetByIdAsync(photoId) is { } photo ? TypedResults.Ok(PhotoJson.From(photo)) : Problems.NoSuchPhoto(photoId);

    private static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> GetThumbnailAsync(long photoId, HttpContext http, PhotoRepository photos, ThumbnailService thumbnails, CancellationToken cancellationToken)
    {
        if (await photos.GetByIdAsync(photoId) is not { } photo) return Problems.NoSuchPhoto(photoId);
        string path;
        try
        {
            path = await thumbnails.GetOrCreateAsync(photo, cancellationToken);
        }
        catch (PhotoDecodeException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status422UnprocessableEntity, title: "No thumbnail");
        }
        // A photo id always names the same bytes, so its thumbnail never changes.
        http.Response.Headers.CacheControl = "private, max-age=31536000, immutable";
        return TypedResults.PhysicalFile(path, "image/jpeg", entityTag: new EntityTagHeaderValue($"\"{photo.Sha256}\""));
    }

    /// <summary>The photo's decisions, oldest first: the job's with its explanation, and each manager's.</summary>
    private static async Task<Results<Ok<IReadOnlyList<PhotoDecisionJson>>, ProblemHttpResult>> GetDecisionsAsync(
        long photoId, PhotoRepository photos, PhotoDecisionHistory history) =>
        await photos.GetByIdAsync(photoId) is null ? Problems.NoSuchPhoto(photoId) : TypedResults.Ok(await history.GetByPhotoIdAsync(photoId));

    // download=true: sent as an attachment under its file name (the photo page's "Download original").
    private static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> GetFileAsync(long photoId, bool? download, HttpContext http, PhotoRepository photos, PhotoFileStore store)
    {
        if (await photos.GetByIdAsync(photoId) is not { } photo) return Problems.NoSuchPhoto(photoId);
        var path = store.PhotoPath(photo.Sha256, photo.ContentType);
        if (!File.Exists(path)) return Problems.NotFound($"The file of photo {photoId} is missing from the server's storage.");

        var headers = http.Response.Headers;
        var disposition = new ContentDispositionHeaderValue(download == true ? "attachment" : "inline");
        disposition.SetHttpFileName(photo.FileName);
        headers.ContentDisposition = disposition.ToString();
        // The type is the one sniffed from the bytes at upload (image/* only); the browser must not guess another,
        // and a file that is somehow opened as a page gets no script and no origin, and no other site may frame it.
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = "default-src 'none'; img-src 'self'; sandbox; frame-ancestors 'none'";
        headers.CacheControl = "private, max-age=31536000, immutable";
        return TypedResults.PhysicalFile(path, photo.ContentType, entityTag: new EntityTagHeaderValue($"\"{photo.Sha256}\""), enableRangeProcessing: true);
    }

    private static async Task<Results<Ok<PhotoJson>, ProblemHttpResult>> SetMilestoneAsync(
        long photoId, SetMilestoneRequest request, PhotoRepository photos, MilestoneRepository milestones, TimelineNotifier notifier,
        AuditLog audit, Telemetry.PhotoTelemetry telemetry, Webhooks.WebhookPublisher webhooks, TimeProvider clock, System.Security.Claims.ClaimsPrincipal user)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (await photos.GetByIdAsync(photoId) is not { } photo) return Problems.NoSuchPhoto(photoId);
        if (request.MilestoneId is { } milestoneId
            && (await milestones.GetByIdAsync(milestoneId) is not { } milestone || milestone.ProjectId != photo.ProjectId))
            return Problems.BadRequest("Unknown milestone", $"The photo's project has no milestone {milestoneId}.");

        var reached = await audit.RecordRequestAsync(AuditActions.MilestoneDecided, photo.ProjectId, async transaction =>
        {
            var now = clock.GetUtcNow();
            var reached = await PhotoRepository.SetMilestoneByManagerAsync(transaction, photoId, request.MilestoneId, user.TryGetUserId(), now);
            // The manager's verdict on the job's decision calibrates the project's settings.
            if (reached is not null) await Matching.CalibrationRepository.AddExampleAsync(transaction, photo, request.MilestoneId, now);
            return reached;
        }, reached => reached is not null);
        if (reached is null) return Problems.NoSuchPhoto(photoId);
        var after = (await photos.GetByIdAsync(photoId))!;
        telemetry.DecidedByManager(photoId, photo.ProjectId, photo.Status, after.Status, request.MilestoneId, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        await notifier.PhotoUpdatedAsync(photoId);
        if (reached.Value)
        {
            await notifier.MilestoneReachedAsync(photoId);
            await webhooks.MilestoneReachedAsync(photoId);
        }
        return TypedResults.Ok(PhotoJson.From(after));
    }
}
