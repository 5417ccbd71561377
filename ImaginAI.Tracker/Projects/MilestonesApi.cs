using System.Globalization;
using ImaginAI.Tracker.Errors;
using ImaginAI.Tracker.Timeline;
using ImaginAI.Tracker.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImaginAI.Tracker.Projects;

/// <summary>A change of name or due date; an empty due date clears it, a missing one leaves it.</summary>
public sealed record UpdateMilestoneRequest(string? Name, string? DueDate);
public sealed record ReorderMilestonesRequest(IReadOnlyList<long>? MilestoneIds);
public sealed record MilestoneDeletedJson(long Id, int PhotosMovedToReview);

/// <summary>
/// A manager tidying a project's milestones: rename (and due date), reorder, delete. The changes are audited by
/// AuditedRequestsMiddleware and every watcher's timeline re-reads itself.
/// </summary>
public static class MilestonesApi
{
    private const int MaxNameLength = 200;

    public static RouteGroupBuilder MapMilestoneTidy(this RouteGroupBuilder projects)
    {
        projects.MapPatch("/{projectId:long}/milestones/{milestoneId:long}", UpdateAsync).RequireAuthorization(Policies.ProjectManager)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        projects.MapPut("/{projectId:long}/milestones/order", ReorderAsync).RequireAuthorization(Policies.ProjectManager)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        projects.MapDelete("/{projectId:long}/milestones/{milestoneId:long}", DeleteAsync).RequireAuthorization(Policies.ProjectManager).ProducesProblem(StatusCodes.Status404NotFound);
        return projects;
    }

    private static async Task<Results<Ok<MilestoneJson>, ProblemHttpResult>> UpdateAsync(
        long projectId, long milestoneId, UpdateMilestoneRequest request, MilestoneRepository milestones, TimelineNotifier notifier, AuditLog audit)
    {
        if (await milestones.GetByIdAsync(milestoneId) is not { } milestone || milestone.ProjectId != projectId)
            return NoSuchMilestone(milestoneId);
        var name = request.Name?.Trim();
        if (name is { Length: 0 }) return Problems.BadRequest("Name missing", "A milestone needs a name, for example \"Roof on\".");
        if (name is { Length: > MaxNameLength }) return Problems.BadRequest("Name too long", $"Keep the milestone name under {MaxNameLength} characters.");
        DateOnly? dueDate = milestone.DueDate;
        if (request.DueDate is { } due)
        {
            if (string.IsNullOrWhiteSpace(due)) dueDate = null;
            else if (DateOnly.TryParseExact(due.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)) dueDate = parsed;
            else return Problems.BadRequest("Due date not understood", $"Write the due date as year-month-day, for example 2025-06-30 (got \"{due}\").");
        }
        await audit.RecordRequestAsync(AuditActions.MilestoneChanged, projectId,
            transaction => milestones.UpdateAsync(milestoneId, name ?? milestone.Name, dueDate, transaction), updated => updated > 0);
        await notifier.MilestonesChangedAsync(projectId);
        return TypedResults.Ok(MilestoneJson.From((await milestones.GetByIdAsync(milestoneId))!));
    }

    private static async Task<Results<Ok<IEnumerable<MilestoneJson>>, ProblemHttpResult>> ReorderAsync(
        long projectId, ReorderMilestonesRequest request, ProjectRepository projects, MilestoneRepository milestones, TimelineNotifier notifier,
        AuditLog audit)
    {
        if (await projects.GetByIdAsync(projectId) is null) return Problems.NoSuchProject(projectId);
        var current = await milestones.GetManyByProjectIdAsync(projectId);
        var order = request.MilestoneIds ?? [];
        if (order.Count != current.Count || order.Distinct().Count() != order.Count || !order.All(id => current.Any(m => m.Id == id)))
            return Problems.BadRequest("Order incomplete", "List every milestone of the project exactly once, in the new order (the page may be out of date: reload it).");
        await audit.RecordRequestAsync(AuditActions.MilestoneChanged, projectId,
            transaction => milestones.ReorderAsync(projectId, order, transaction), _ => true);
        await notifier.MilestonesChangedAsync(projectId);
        return TypedResults.Ok((await milestones.GetManyByProjectIdAsync(projectId)).Select(MilestoneJson.From));
    }

    private static async Task<Results<Ok<MilestoneDeletedJson>, ProblemHttpResult>> DeleteAsync(
        long projectId, long milestoneId, MilestoneRepository milestones, TimelineNotifier notifier, AuditLog audit)
    {
        if (await milestones.GetByIdAsync(milestoneId) is not { } milestone || milestone.ProjectId != projectId)
            return NoSuchMilestone(milestoneId);
        var moved = await audit.RecordRequestAsync(AuditActions.Deleted, projectId,
            transaction => milestones.DeleteAsync(projectId, milestoneId, transaction), _ => true);
        foreach (var photoId in moved) await notifier.PhotoUpdatedAsync(photoId);
        await notifier.MilestonesChangedAsync(projectId);
        return TypedResults.Ok(new MilestoneDeletedJson(milestoneId, moved.Count));
    }

    private static ProblemHttpResult NoSuchMilestone(long milestoneId) =>
        TypedResults.Problem($"The project has no milestone {milestoneId}. It may have been deleted: reload the page.",
            statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
