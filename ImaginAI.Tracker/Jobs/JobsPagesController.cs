using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace ImaginAI.Tracker.Jobs;

public sealed record JobsPage(JobsOverview Overview, string? Message, string? Error);

/// <summary>Admins: the jobs page (the same controls as /api/admin/jobs, as plain forms).</summary>
[Route("admin/jobs"), Authorize(Policy = Policies.Admin)]
public sealed class JobsPagesController(JobsService jobs, ProjectRepository projects) : Controller
{
    private const string PageView = "~/Jobs/Views/Jobs.cshtml";

    [HttpGet("")]
    public Task<IActionResult> Index() => PageAsync(null, null);

    [HttpPost("{queue}/pause")]
    public async Task<IActionResult> Pause(string queue) =>
        await jobs.SetPausedAsync(queue, true, User.Identity?.Name)
            ? await PageAsync($"The {queue} queue is paused: photos wait until it is resumed.", null)
            : await PageAsync(null, "There is no such queue.", StatusCodes.Status404NotFound);

    [HttpPost("{queue}/resume")]
    public async Task<IActionResult> Resume(string queue) =>
        await jobs.SetPausedAsync(queue, false, User.Identity?.Name)
            ? await PageAsync($"The {queue} queue runs again.", null)
            : await PageAsync(null, "There is no such queue.", StatusCodes.Status404NotFound);

    [HttpPost("retry-failed")]
    public async Task<IActionResult> RetryAll() =>
        await PageAsync(Retried(await jobs.RetryFailedAsync(null, null, User.Identity?.Name ?? "admin")), null);

    [HttpPost("projects/{projectId:long}/retry-failed")]
    public async Task<IActionResult> RetryProject(long projectId)
    {
        if (!await projects.ExistsAsync(projectId)) return await PageAsync(null, "There is no such project.", StatusCodes.Status404NotFound);
        return await PageAsync(Retried(await jobs.RetryFailedAsync(null, projectId, User.Identity?.Name ?? "admin")), null);
    }

    [HttpPost("photos/{photoId:long}/retry")]
    public async Task<IActionResult> RetryPhoto(long photoId)
    {
        var outcome = await jobs.RetryFailedAsync(photoId, null, User.Identity?.Name ?? "admin");
        return outcome.Requeued == 0
            ? await PageAsync(null, $"Photo {photoId} is not failed (any more): there is nothing to retry.", StatusCodes.Status409Conflict)
            : await PageAsync($"Photo {photoId} is queued again.", null);
    }

    [HttpPost("projects/{projectId:long}/reembed")]
    public async Task<IActionResult> Reembed(long projectId)
    {
        if (!await projects.ExistsAsync(projectId)) return await PageAsync(null, "There is no such project.", StatusCodes.Status404NotFound);
        var outcome = await jobs.ReembedProjectAsync(projectId);
        return await PageAsync($"{outcome.Photos} photos of the project will be embedded again in the background; their decisions stay.", null);
    }

    private static string Retried(RetryOutcome outcome) => outcome.Requeued switch
    {
        0 => "No failed photo to retry.",
        1 => "1 failed photo is queued again.",
        var n => $"{n} failed photos are queued again.",
    };

    private async Task<IActionResult> PageAsync(string? message, string? error, int status = StatusCodes.Status200OK)
    {
        Response.StatusCode = status;
        return View(PageView, new JobsPage(await jobs.GetOverviewAsync(), message, error));
    }
}
