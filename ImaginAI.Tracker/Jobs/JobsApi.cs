using System.Security.Claims;
using ImaginAI.Tracker.Errors;
using ImaginAI.Tracker.Photos;
using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImaginAI.Tracker.Jobs;

/// <summary>
/// The queue for operators: counts, the oldest waiting photo, pause and resume, retry failed, re-embed a project
/// (admins, under /api/admin/jobs). A project's managers may retry its failed photos, and any member a failed photo
/// of theirs (the upload answers with that link when a failed file is sent again).
/// </summary>
public static class JobsApi
{
    public static IServiceCollection AddJobs(this IServiceCollection services)
    {
        services.AddSingleton<JobsRepository>();
        services.AddSingleton<JobControls>();
        services.AddScoped<JobsService>();
        return services;
    }

    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin/jobs").RequireAuthorization(Policies.Admin);
        admin.MapGet("", GetOverviewAsync);
        admin.MapPost("/{queue}/pause", (string queue, ClaimsPrincipal user, JobsService jobs) => SetPausedAsync(queue, true, user, jobs))
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/{queue}/resume", (string queue, ClaimsPrincipal user, JobsService jobs) => SetPausedAsync(queue, false, user, jobs))
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/retry-failed", RetryAllAsync);
        admin.MapPost("/projects/{projectId:long}/reembed", ReembedAsync).ProducesProblem(StatusCodes.Status404NotFound);
        app.MapPost("/api/projects/{projectId:long}/retry-failed", RetryProjectAsync).RequireAuthorization(Policies.ProjectManager)
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapPost("/api/photos/{photoId:long}/retry", RetryPhotoAsync).RequireAuthorization(Policies.PhotoMember)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<Ok<JobsOverview>> GetOverviewAsync(JobsService jobs) => TypedResults.Ok(await jobs.GetOverviewAsync());

    private static async Task<Results<Ok<QueueState>, ProblemHttpResult>> SetPausedAsync(string queue, bool paused, ClaimsPrincipal user, JobsService jobs) =>
        await jobs.SetPausedAsync(queue, paused, user.Identity?.Name)
            ? TypedResults.Ok(new QueueState(queue, paused))
            : Problems.NotFound($"There is no queue \"{queue}\": use embedding or matching.");

    private static async Task<Ok<RetryOutcome>> RetryAllAsync(ClaimsPrincipal user, JobsService jobs) =>
        TypedResults.Ok(await jobs.RetryFailedAsync(null, null, user.Identity?.Name ?? "admin"));

    private static async Task<Results<Ok<RetryOutcome>, ProblemHttpResult>> RetryProjectAsync(
        long projectId, ClaimsPrincipal user, ProjectRepository projects, JobsService jobs)
    {
        if (!await projects.ExistsAsync(projectId)) return Problems.NoSuchProject(projectId);
        return TypedResults.Ok(await jobs.RetryFailedAsync(null, projectId, user.Identity?.Name ?? "manager"));
    }

    private static async Task<Results<Ok<PhotoJson>, ProblemHttpResult>> RetryPhotoAsync(
        long photoId, ClaimsPrincipal user, PhotoRepository photos, JobsService jobs)
    {
        if (await photos.GetByIdAsync(photoId) is not { } photo) return Problems.NoSuchPhoto(photoId);
        if (photo.Status != PhotoStatus.Failed)
            return TypedResults.Problem($"Photo {photoId} has not failed (it is {photo.Status}): there is nothing to retry.",
                statusCode: StatusCodes.Status409Conflict, title: "Nothing to retry");
        await jobs.RetryFailedAsync(photoId, null, user.Identity?.Name ?? "member");
        return TypedResults.Ok(PhotoJson.From((await photos.GetByIdAsync(photoId))!));
    }

    private static async Task<Results<Ok<ReembedOutcome>, ProblemHttpResult>> ReembedAsync(long projectId, ProjectRepository projects, JobsService jobs)
    {
        if (!await projects.ExistsAsync(projectId)) return Problems.NoSuchProject(projectId);
        return TypedResults.Ok(await jobs.ReembedProjectAsync(projectId));
    }
}
