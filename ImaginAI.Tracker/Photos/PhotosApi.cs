using ImaginAI.Tracker.Data;
using ImaginAI.Tracker.Errors;
using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Scheduling;
using ImaginAI.Tracker.Security;
using ImaginAI.Tracker.Timeline;
using ImaginAI.Vision.Decoding;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ImaginAI.Tracker.Photos;

public sealed record SetMilestoneRequest(long? MilestoneId);

public static class PhotosApi
{
    public static IServiceCollection AddPhotos(this IServiceCollection services)
    {
        services.AddSingleton<PhotoRepository>();
        services.AddSingleton<PhotoFileStore>();
        services.AddSingleton<ThumbnailService>();
        services.AddHostedService<PhotoStoreSweeper>();
        services.AddScoped<PhotoUploadService>();
        services.AddRecurringJob<PhotoPurgeJob>(PhotoPurgeJob.Key, _ => TimeSpan.FromHours(1));
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
            .RefuseChangesWhenArchived();
        var photos = app.MapGroup("/api/photos").RequireAuthorization(Policies.PhotoMember).RefuseChangesWhenArchived();
        photos.MapGet("/{photoId:long}", GetPhotoAsync);
        photos.MapGet("/{photoId:long}/thumbnail", GetThumbnailAsync);
        photos.MapGet("/{photoId:long}/file", GetFileAsync);
        photos.MapPut("/{photoId:long}/milestone", SetMilestoneAsync).RequireAuthorization(Policies.PhotoManager);
        photos.MapPhotoCompare();
        photos.MapPhotoTidy();
        app.MapPhotoReview();
        return app;
    }

    private static async Task<IResult> GetPhotoAsync(long photoId, PhotoRepository photos) =>
        await photos.GetByIdAsync(photoId) is { } photo ? TypedResults.Ok(PhotoJson.From(photo)) : Problems.NoSuchPhoto(photoId);

    private static async Task<IResult> GetThumbnailAsync(long photoId, HttpContext http, PhotoRepository photos, ThumbnailService thumbnails, CancellationToken cancellationToken)
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

    private static async Task<IResult> GetFileAsync(long photoId, HttpContext http, PhotoRepository photos, PhotoFileStore store)
    {
        if (await photos.GetByIdAsync(photoId) is not { } photo) return Problems.NoSuchPhoto(photoId);
        var path = store.PhotoPath(photo.Sha256, photo.ContentType);
        if (!File.Exists(path)) return Problems.NotFound($"The file of photo {photoId} is missing from the server's storage.");

        var headers = http.Response.Headers;
        var disposition = new ContentDispositionHeaderValue("inline");
        disposition.SetHttpFileName(photo.FileName);
        headers.ContentDisposition = disposition.ToString();
        // The type is the one sniffed from the bytes at upload (image/* only); the browser must not guess another,
        // and a file that is somehow opened as a page gets no script and no origin, and no other site may frame it.
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = "default-src 'none'; img-src 'self'; sandbox; frame-ancestors 'none'";
        headers.CacheControl = "private, max-age=31536000, immutable";
        return TypedResults.PhysicalFile(path, photo.ContentType, entityTag: new EntityTagHeaderValue($"\"{photo.Sha256}\""), enableRangeProcessing: true);
    }

    private static async Task<IResult> SetMilestoneAsync(
        long photoId, SetMilestoneRequest request, PhotoRepository photos, MilestoneRepository milestones, TimelineNotifier notifier,
        Matching.CalibrationRepository calibration, TimeProvider clock)
    {
        if (await photos.GetByIdAsync(photoId) is not { } photo) return Problems.NoSuchPhoto(photoId);
        if (request.MilestoneId is { } milestoneId
            && (await milestones.GetByIdAsync(milestoneId) is not { } milestone || milestone.ProjectId != photo.ProjectId))
            return Problems.BadRequest("Unknown milestone", $"The photo's project has no milestone {milestoneId}.");

        var reached = await photos.SetMilestoneByManagerAsync(photoId, request.MilestoneId);
        if (reached is null) return Problems.NoSuchPhoto(photoId);
        // The manager's verdict on the job's decision calibrates the project's settings.
        await calibration.AddExampleAsync(photo, request.MilestoneId, clock.GetUtcNow());
        await notifier.PhotoUpdatedAsync(photoId);
        if (reached.Value) await notifier.MilestoneReachedAsync(photoId);
        return TypedResults.Ok(PhotoJson.From((await photos.GetByIdAsync(photoId))!));
    }
}
