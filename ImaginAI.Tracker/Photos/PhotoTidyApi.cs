using System.Security.Claims;
using ImaginAI.Tracker.Errors;
using ImaginAI.Tracker.Security;
using ImaginAI.Tracker.Timeline;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImaginAI.Tracker.Photos;

/// <summary>
/// A manager's soft delete and restore of a photo, each audited in its own transaction; watchers see both at once.
/// </summary>
public static class PhotoTidyApi
{
    public static RouteGroupBuilder MapPhotoTidy(this RouteGroupBuilder photos)
    {
        photos.MapDelete("/{photoId:long}", DeleteAsync).RequireAuthorization(Policies.PhotoManager)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        photos.MapPost("/{photoId:long}/restore", RestoreAsync).RequireAuthorization(Policies.PhotoManager)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return photos;
    }

    private static async Task<Results<Ok<PhotoJson>, ProblemHttpResult>> DeleteAsync(
        long photoId, PhotoRepository photos, TimelineNotifier notifier, ClaimsPrincipal user, TimeProvider clock, AuditLog audit)
    {
        if (await photos.GetByIdAsync(photoId) is not { } photo) return Problems.NoSuchPhoto(photoId);
        if (photo.DeletedAt is not null) return AlreadyDeleted(photo);
        if (await audit.RecordRequestAsync(AuditActions.Deleted, photo.ProjectId,
                transaction => photos.SoftDeleteAsync(photoId, user.TryGetUserId(), clock.GetUtcNow(), transaction), deleted => deleted is not null) is null)
            return AlreadyDeleted(photo);
        await notifier.PhotoDeletedAsync(photoId);
        return TypedResults.Ok(PhotoJson.From((await photos.GetByIdAsync(photoId))!));
    }

    private static async Task<Results<Ok<PhotoJson>, ProblemHttpResult>> RestoreAsync(
        long photoId, PhotoRepository photos, TimelineNotifier notifier, AuditLog audit)
    {
        if (await photos.GetByIdAsync(photoId) is not { } photo) return Problems.NoSuchPhoto(photoId);
        if (await audit.RecordRequestAsync(AuditActions.PhotoRestored, photo.ProjectId,
                transaction => photos.RestoreAsync(photoId, transaction), reached => reached is not null) is not { } reached)
            return TypedResults.Problem($"Photo {photoId} is not deleted, so there is nothing to restore.",
                statusCode: StatusCodes.Status409Conflict, title: "Not deleted");
        await notifier.PhotoRestoredAsync(photoId);
        if (reached.Count > 0) await notifier.MilestoneReachedAsync(photoId);
        return TypedResults.Ok(PhotoJson.From((await photos.GetByIdAsync(photoId))!));
    }

    private static ProblemHttpResult AlreadyDeleted(Photo photo) =>
        TypedResults.Problem($"Photo {photo.Id} was already deleted. It can be restored until it is purged.",
            statusCode: StatusCodes.Status409Conflict, title: "Already deleted");
}
