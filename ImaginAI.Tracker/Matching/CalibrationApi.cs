using ImaginAI.Tracker.Errors;
using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Matching;

/// <summary>
/// A project's matching settings and what its decisions and examples say about them. KeypointChecks says which rule
/// decides (inliers against MinInliers when on; else the CNN score against MatchThreshold, leading by MinMargin).
/// </summary>
public sealed record CalibrationJson(
    long ProjectId, double MatchThreshold, bool MatchThresholdIsDefault, int MinInliers, double MinMargin,
    bool VerificationAvailable, string? VerificationUnavailableReason, bool KeypointChecks,
    int Examples, int MinExamplesPerKind, IReadOnlyList<DecidedJson> Decisions,
    SettingAdvice MinInliersAdvice, SettingAdvice ThresholdAdvice);

/// <summary>One of the job's decisions as its rule saw it: matched or left for review, the best CNN score, the lead
/// over the next milestone, and the inliers of the best verified milestone (null when none was verified).</summary>
public sealed record DecidedJson(bool Matched, double? Score, double? Margin, int? Inliers);

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
            projectId, threshold, project.MatchThreshold is null, project.MinInliers, matching.Value.MinMargin,
            PhotoVerifier.IsAvailable, PhotoVerifier.UnavailableReason, PhotoVerifier.IsAvailable && matching.Value.VerifyKeypoints,
            examples.Count, Calibration.MinExamplesPerKind,
            decisions.Select(d => new DecidedJson(d.Basis is "verified" or "cnn-score", d.BestScore, d.Margin, d.Inliers)).ToList(),
            Calibration.AdviseMinInliers(examples, project.MinInliers), Calibration.AdviseThreshold(examples, threshold)));
    }

    private static async Task<Results<Ok<RedecideJson>, ProblemHttpResult>> RedecideAsync(long projectId, ProjectRepository projects, CalibrationRepository calibration, MatchingQueue queue)
    {
        if (!await projects.ExistsAsync(projectId)) return Problems.NoSuchProject(projectId);
        var reopened = await calibration.ReopenInReviewAsync(projectId);
        if (reopened > 0) await queue.WakeAsync();
        return TypedResults.Ok(new RedecideJson(reopened));
    }
}
