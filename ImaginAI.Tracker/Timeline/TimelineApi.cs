using ImaginAI.Tracker.Embedding;
using ImaginAI.Tracker.Errors;
using ImaginAI.Tracker.Matching;
using ImaginAI.Tracker.Photos;
using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Security;
using ImaginAI.Tracker.Vision;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Timeline;

public sealed record TimelineProgress(int Reached, int Total, int Percent);
/// <summary>A milestone with its photos (references included); reached and late follow <see cref="MilestoneProgress"/>.</summary>
public sealed record TimelineMilestone(
    long Id, string Name, int Position, DateOnly? DueDate, bool Reached, DateTimeOffset? ReachedAt, long? ReachedPhotoId,
    bool Late, IReadOnlyList<PhotoJson> Photos);
/// <summary>Photos still to be embedded with the configured model after a model change (null while the model cannot load).</summary>
public sealed record TimelineReembedding(int? Remaining);
public sealed record TimelineJson(
    ProjectJson Project, TimelineProgress Progress, IReadOnlyList<TimelineMilestone> Milestones,
    IReadOnlyList<PhotoJson> Unmatched, IReadOnlyList<PhotoJson> Pending, IReadOnlyList<PhotoJson> Failed,
    TimelineReembedding Reembedding);

public static class TimelineApi
{
    public static IServiceCollection AddTimeline(this IServiceCollection services)
    {
        services.AddSignalR();
        services.AddSingleton<TimelineNotifier>();
        services.AddSingleton<TimelineWatchers>();
        services.AddSingleton<TimelineAccessGuard>();
        services.AddHostedService(provider => provider.GetRequiredService<TimelineAccessGuard>());
        return services;
    }

    public static IEndpointRouteBuilder MapTimeline(this IEndpointRouteBuilder app)
    {
        // Hub connections need a signed-in user (the fallback policy); every hub call re-checks the caller (HubAccessFilter).
        app.MapHub<TimelineHub>("/hubs/timeline");
        app.MapGet("/api/projects/{projectId:long}/timeline", GetTimelineAsync).RequireAuthorization(Policies.ProjectMember)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>
    /// Milestones in order with their matched photos (site photos and references) in the order taken; a milestone is
    /// reached by its first site photo, not by a reference. Photos still being processed (pending or embedded) are in
    /// "pending".
    /// </summary>
    private static async Task<Results<Ok<TimelineJson>, ProblemHttpResult>> GetTimelineAsync(
        long projectId, ProjectRepository projects, MilestoneRepository milestones, PhotoRepository photos,
        EmbeddingRepository embeddings, FeatureExtractorProvider vision, IOptions<MatchingOptions> matching)
    {
        if (await projects.GetByIdAsync(projectId) is not { } project) return Problems.NoSuchProject(projectId);
        var allMilestones = await milestones.GetManyByProjectIdAsync(projectId);
        var allPhotos = (await photos.GetManyByProjectIdAsync(projectId)).Select(p => (Row: p, Json: PhotoJson.From(p))).ToList();

        var lanes = allMilestones.Select(m =>
        {
            var matched = allPhotos.Where(p => p.Row.Status == PhotoStatus.Matched && p.Row.MilestoneId == m.Id).ToList();
            return new TimelineMilestone(m.Id, m.Name, m.Position, m.DueDate, m.ReachedAt is not null, m.ReachedAt,
                m.ReachedPhotoId, m.Late, matched.Select(p => p.Json).ToList());
        }).ToList();
        var reached = lanes.Count(m => m.Reached);
        var progress = new TimelineProgress(reached, lanes.Count, lanes.Count == 0 ? 0 : (int)Math.Round(100.0 * reached / lanes.Count));

        List<PhotoJson> InStatus(params string[] statuses) => allPhotos.Where(p => statuses.Contains(p.Row.Status)).Select(p => p.Json).ToList();
        int? remaining = vision.TryGet(out var extractor, out _)
            ? await embeddings.CountAwaitingReembeddingAsync(projectId, extractor!.Model.Id)
            : null;

        return TypedResults.Ok(new TimelineJson(
            ProjectJson.From(project, matching.Value.DefaultThreshold), progress, lanes,
            InStatus(PhotoStatus.Unmatched), InStatus(PhotoStatus.Pending, PhotoStatus.Embedded), InStatus(PhotoStatus.Failed),
            new TimelineReembedding(remaining)));
    }
}
