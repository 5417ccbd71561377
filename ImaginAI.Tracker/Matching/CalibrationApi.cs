using ImaginAI.Tracker.Errors;
using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Matching;

public sealed record CalibrationJson(
    long ProjectId, double MatchThreshold, bool MatchThresholdIsDefault, int MinInliers, bool VerificationAvailable,
    string? VerificationUnavailableReason, int Examples, IReadOnlyList<double> MatchedScores, IReadOnlyList<double> UnmatchedScores,
    Suggestion? SuggestedThreshold, Suggestion? SuggestedMinInliers);

public sealed record RedecideJson(int Reopened);

/// <summary>
/// A project's matching settings for its managers: the scores of the job's decisions, the labelled examples their
/// confirmations and corrections left, suggestions computed from them (applied only through PATCH /api/projects/{id}),
/// and re-deciding the photos still in review.
/// </summary>
public static class CalibrationApi
{
    public static IEndpointRouteBuilder MapCalibrationApi(this IEndpointRouteBuilder app)
    {
        var project = app.MapGroup("/api/projects/{projectId:long}").RequireAuthorization(Policies.ProjectManager).RefuseChangesWhenArchived();
        project.MapGet("/calibration", GetCalibrationAsync).ProducesProblem(StatusCodes.Status404NotFound);
        project.MapPost("/redecide", RedecideAsync).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<CalibrationJson>, ProblemHttpResult>> GetCalibrationAsync(
        long projectId, ProjectRepository projects, CalibrationRepository calibration, IOptions<MatchingOptions> matching)
    {
        if (await projects.GetByIdAsync(projectId) is not { } project) return Problems.NoSuchProject(projectId);
        var threshold = project.MatchThreshold ?? matching.Value.DefaultThreshold;
        var examples = await calibration.GetExamplesByProjectIdAsync(projectId);
        var decisions = await calibration.GetJobDecisionsByProjectIdAsync(projectId);
        return TypedResults.Ok(new CalibrationJson(
            projectId, threshold, project.MatchThreshold is null, project.MinInliers, PhotoVerifier.IsAvailable,
            PhotoVerifier.UnavailableReason, examples.Count,
            decisions.Where(d => d.Status == Photos.PhotoStatus.Matched).Select(d => d.Score).ToList(),
            decisions.Where(d => d.Status == Photos.PhotoStatus.Unmatched).Select(d => d.Score).ToList(),
            Calibration.SuggestThreshold(examples, threshold), Calibration.SuggestMinInliers(examples, project.MinInliers)));
    }

    private static async Task<Results<Ok<RedecideJson>, ProblemHttpResult>> RedecideAsync(long projectId, ProjectRepository projects, CalibrationRepository calibration, MatchingQueue queue)
    {
        if (!await projects.ExistsAsync(projectId)) return Problems.NoSuchProject(projectId);
        var reopened = await calibration.ReopenInReviewAsync(projectId);
        if (reopened > 0) await queue.WakeAsync();
        return TypedResults.Ok(new RedecideJson(reopened));
    }
}
