using ImaginAI.Tracker.Errors;
using ImaginAI.Tracker.Matching;
using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Security;
using ImaginAI.Tracker.Timeline;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImaginAI.Tracker.Photos;

public sealed record BulkMilestoneRequest(IReadOnlyList<long>? PhotoIds, long? MilestoneId);
public sealed record BulkMilestoneJson(int Updated, long? MilestoneId, IReadOnlyList<PhotoJson> Photos);

/// <summary>
/// A manager's review of many photos at once: one request, one transaction, one audit line (AuditedRequestsMiddleware),
/// and every watcher sees each photo move.
/// </summary>
public static class PhotoReviewApi
{
    private const int MaxPhotosPerRequest = 500;

    public static IEndpointRouteBuilder MapPhotoReview(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/projects/{projectId:long}/photos/milestone", AssignAsync)
            .RequireAuthorization(Policies.ProjectManager)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .RefuseChangesWhenArchived();
        return app;
    }

    private static async Task<Results<Ok<BulkMilestoneJson>, ProblemHttpResult>> AssignAsync(
        long projectId, BulkMilestoneRequest request, ProjectRepository projects, PhotoRepository photos, MilestoneRepository milestones,
        TimelineNotifier notifier, AuditLog audit, Webhooks.WebhookPublisher webhooks, TimeProvider clock, System.Security.Claims.ClaimsPrincipal user)
    {
        if (await projects.GetByIdAsync(projectId) is null) return Problems.NoSuchProject(projectId);
        var ids = (request.PhotoIds ?? []).Distinct().ToList();
        if (ids.Count == 0) return Problems.BadRequest("No photos chosen", "Choose at least one photo to file under the milestone.");
        if (ids.Count > MaxPhotosPerRequest) return Problems.BadRequest("Too many photos", $"File at most {MaxPhotosPerRequest} photos at once.");
        if (request.MilestoneId is { } milestoneId
            && (await milestones.GetByIdAsync(milestoneId) is not { } milestone || milestone.ProjectId != projectId))
            return Problems.BadRequest("Unknown milestone", $"This project has no milestone {milestoneId}. It may have been deleted: reload the page.");

        var before = new List<Photo>();
        foreach (var id in ids)
            if (await photos.GetByIdAsync(id) is { ProjectId: var owner, DeletedAt: null } photo && owner == projectId) before.Add(photo);
        // The decisions and their calibration examples are stored together or not at all.
        var result = before.Count != ids.Count ? null : await audit.RecordRequestAsync<(int Applied, IReadOnlyList<long> Reached)?>(
            AuditActions.MilestoneDecided, projectId, async transaction =>
        {
            var now = clock.GetUtcNow();
            var applied = await PhotoRepository.SetMilestoneByManagerAsync(transaction, projectId, ids, request.MilestoneId, user.TryGetUserId(), now);
            if (applied is null) return null;
            foreach (var photo in before) await CalibrationRepository.AddExampleAsync(transaction, photo, request.MilestoneId, now);
            return applied;
        }, applied => applied is not null);
        if (result is not { } decided)
            return Problems.BadRequest("Unknown photos", "Some of the chosen photos are not in this project any more (deleted or moved). Nothing was changed: reload the page and choose again.");

        var updated = new List<PhotoJson>();
        foreach (var id in ids)
        {
            await notifier.PhotoUpdatedAsync(id);
            updated.Add(PhotoJson.From((await photos.GetByIdAsync(id))!));
        }
        // The earliest photo that reached a milestone announces it, as a single decision would.
        foreach (var reached in decided.Reached)
            if (updated.Where(p => p.MilestoneId == reached).MinBy(p => p.TakenAt) is { } first)
            {
                await notifier.MilestoneReachedAsync(first.Id);
                await webhooks.MilestoneReachedAsync(first.Id);
            }
        return TypedResults.Ok(new BulkMilestoneJson(decided.Applied, request.MilestoneId, updated));
    }
}
