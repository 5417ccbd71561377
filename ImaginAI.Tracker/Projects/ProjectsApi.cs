using System.Globalization;
using System.Security.Claims;
using ImaginAI.Tracker.Data;
using ImaginAI.Tracker.Errors;
using ImaginAI.Tracker.Matching;
using ImaginAI.Tracker.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Projects;

public sealed record CreateProjectRequest(string? Name, string? Description);
public sealed record UpdateProjectRequest(string? Name, string? Description, double? MatchThreshold, int? MinInliers);
public sealed record CreateMilestoneRequest(string? Name, int? Position, string? DueDate);

public static class ProjectsApi
{
    private const int MaxNameLength = 200;
    private const int MaxDescriptionLength = 4000;

    public static IServiceCollection AddProjects(this IServiceCollection services)
    {
        services.AddSingleton<ProjectRepository>();
        services.AddSingleton<MilestoneRepository>();
        return services;
    }

    public static IEndpointRouteBuilder MapProjectsApi(this IEndpointRouteBuilder app)
    {
        var projects = app.MapGroup("/api/projects").RefuseChangesWhenArchived();
        projects.MapGet("/", GetProjectsAsync);
        projects.MapPost("/", CreateProjectAsync).RequireAuthorization(Policies.ProjectCreator).ProducesProblem(StatusCodes.Status400BadRequest);
        projects.MapGet("/{projectId:long}", GetProjectAsync).RequireAuthorization(Policies.ProjectMember).ProducesProblem(StatusCodes.Status404NotFound);
        projects.MapPatch("/{projectId:long}", UpdateProjectAsync).RequireAuthorization(Policies.ProjectManager)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        projects.MapGet("/{projectId:long}/milestones", GetMilestonesAsync).RequireAuthorization(Policies.ProjectMember).ProducesProblem(StatusCodes.Status404NotFound);
        projects.MapPost("/{projectId:long}/milestones", CreateMilestoneAsync).RequireAuthorization(Policies.ProjectManager)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        projects.MapMilestoneTidy();
        // Outside the read-only rule: unarchiving is how an archived project becomes editable again.
        var archive = app.MapGroup("/api/projects/{projectId:long}").RequireAuthorization(Policies.ProjectManager);
        archive.MapPost("/archive", ArchiveAsync).ProducesProblem(StatusCodes.Status404NotFound);
        archive.MapPost("/unarchive", UnarchiveAsync).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>The projects the caller may see; archived ones only when asked for (?includeArchived=true).</summary>
    private static async Task<Ok<List<ProjectJson>>> GetProjectsAsync(
        ProjectRepository repository, IOptions<MatchingOptions> matching, ClaimsPrincipal user, ProjectAccess access, bool? includeArchived)
    {
        var all = await repository.GetAllAsync();
        var visible = await access.GetVisibleProjectIdsAsync(user);
        return TypedResults.Ok(all
            .Where(p => (visible is null || visible.Contains(p.Id)) && (includeArchived == true || p.ArchivedAt is null))
            .Select(p => ProjectJson.From(p, matching.Value.DefaultThreshold)).ToList());
    }

    private static async Task<Results<Ok<ProjectJson>, ProblemHttpResult>> ArchiveAsync(
        long projectId, ProjectRepository repository, IOptions<MatchingOptions> matching, TimeProvider clock, AuditLog audit) =>
        await SetArchivedAsync(projectId, clock.GetUtcNow(), repository, matching, audit);

    private static async Task<Results<Ok<ProjectJson>, ProblemHttpResult>> UnarchiveAsync(
        long projectId, ProjectRepository repository, IOptions<MatchingOptions> matching, AuditLog audit) =>
        await SetArchivedAsync(projectId, null, repository, matching, audit);

    private static async Task<Results<Ok<ProjectJson>, ProblemHttpResult>> SetArchivedAsync(
        long projectId, DateTimeOffset? archivedAt, ProjectRepository repository, IOptions<MatchingOptions> matching, AuditLog audit)
    {
        if (!await audit.RecordRequestAsync(AuditActions.ProjectChanged, projectId,
                transaction => repository.SetArchivedAsync(projectId, archivedAt, transaction), changed => changed))
            return Problems.NoSuchProject(projectId);
        return TypedResults.Ok(ProjectJson.From((await repository.GetByIdAsync(projectId))!, matching.Value.DefaultThreshold));
    }

    private static async Task<Results<Ok<ProjectJson>, ProblemHttpResult>> GetProjectAsync(long projectId, ProjectRepository repository, IOptions<MatchingOptions> matching)
    {
        var project = await repository.GetByIdAsync(projectId);
        return project is null ? Problems.NoSuchProject(projectId) : TypedResults.Ok(ProjectJson.From(project, matching.Value.DefaultThreshold));
    }

    private static async Task<Results<Created<ProjectJson>, ProblemHttpResult>> CreateProjectAsync(
        CreateProjectRequest request, ProjectRepository repository, IOptions<MatchingOptions> matching, TimeProvider clock,
        ClaimsPrincipal user, ProjectAccess access, TrackerDb db)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name)) return Problems.BadRequest("Name missing", "Give the project a name.");
        if (name.Length > MaxNameLength) return Problems.BadRequest("Name too long", $"Keep the project name under {MaxNameLength} characters.");
        var description = request.Description?.Trim() ?? "";
        if (description.Length > MaxDescriptionLength)
            return Problems.BadRequest("Description too long", $"Keep the description under {MaxDescriptionLength} characters.");

        // A project never exists without its manager, even across a crash.
        var id = await db.InTransactionAsync(async transaction =>
        {
            var id = await repository.CreateAsync(name, description, clock.GetUtcNow(), transaction);
            await access.AddCreatorAsync(id, user, transaction);
            return id;
        });
        var project = await repository.GetByIdAsync(id);
        return TypedResults.Created($"/api/projects/{id}", ProjectJson.From(project!, matching.Value.DefaultThreshold));
    }

    private static async Task<Results<Ok<ProjectJson>, ProblemHttpResult>> UpdateProjectAsync(
        long projectId, UpdateProjectRequest request, ProjectRepository repository, IOptions<MatchingOptions> matching, AuditLog audit)
    {
        var name = request.Name?.Trim();
        if (name is { Length: 0 }) return Problems.BadRequest("Name missing", "A project cannot have an empty name.");
        if (name is { Length: > MaxNameLength }) return Problems.BadRequest("Name too long", $"Keep the project name under {MaxNameLength} characters.");
        var description = request.Description?.Trim();
        if (description is { Length: > MaxDescriptionLength })
            return Problems.BadRequest("Description too long", $"Keep the description under {MaxDescriptionLength} characters.");
        if (request.MatchThreshold is { } threshold && (double.IsNaN(threshold) || threshold <= 0 || threshold > 1))
            return Problems.BadRequest("Threshold out of range", "The match threshold is a similarity between 0 (anything matches) and 1 (only identical photos); give a number above 0 and at most 1.");

        if (request.MinInliers is < 4 or > 1000)
            return Problems.BadRequest("Minimum inliers out of range", "The minimum number of matching keypoints is a whole number from 4 (a homography always fits 4 points) to 1000.");

        if (!await audit.RecordRequestAsync(AuditActions.ProjectChanged, projectId,
                transaction => repository.UpdateAsync(projectId, name, description, request.MatchThreshold, request.MinInliers, transaction), updated => updated))
            return Problems.NoSuchProject(projectId);
        var project = await repository.GetByIdAsync(projectId);
        return TypedResults.Ok(ProjectJson.From(project!, matching.Value.DefaultThreshold));
    }

    private static async Task<Results<Ok<List<MilestoneJson>>, ProblemHttpResult>> GetMilestonesAsync(long projectId, ProjectRepository projects, MilestoneRepository milestones)
    {
        if (!await projects.ExistsAsync(projectId)) return Problems.NoSuchProject(projectId);
        var all = await milestones.GetManyByProjectIdAsync(projectId);
        return TypedResults.Ok(all.Select(MilestoneJson.From).ToList());
    }

    private static async Task<Results<Created<MilestoneJson>, ProblemHttpResult>> CreateMilestoneAsync(
        long projectId, CreateMilestoneRequest request, ProjectRepository projects, MilestoneRepository milestones, TimeProvider clock)
    {
        if (!await projects.ExistsAsync(projectId)) return Problems.NoSuchProject(projectId);
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name)) return Problems.BadRequest("Name missing", "Give the milestone a name, for example \"Foundations poured\".");
        if (name.Length > MaxNameLength) return Problems.BadRequest("Name too long", $"Keep the milestone name under {MaxNameLength} characters.");
        if (request.Position is < 1 or > MilestoneRepository.MaxPosition)
            return Problems.BadRequest("Position out of range", $"The position counts from 1 (the first milestone) up to {MilestoneRepository.MaxPosition}.");
        DateOnly? dueDate = null;
        if (!string.IsNullOrWhiteSpace(request.DueDate))
        {
            if (!DateOnly.TryParseExact(request.DueDate.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
                return Problems.BadRequest("Due date not understood", $"Write the due date as year-month-day, for example 2025-06-30 (got \"{request.DueDate}\").");
            dueDate = parsed;
        }

        var milestone = await milestones.CreateAsync(projectId, name, request.Position, dueDate, clock.GetUtcNow());
        return TypedResults.Created($"/api/projects/{projectId}/milestones", MilestoneJson.From(milestone));
    }
}
