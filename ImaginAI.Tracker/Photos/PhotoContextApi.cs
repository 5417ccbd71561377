using System.Data;
using System.Globalization;
using System.Security.Claims;
using ImaginAI.Tracker.Errors;
using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Security;
using ImaginAI.Tracker.Timeline;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImaginAI.Tracker.Photos;

/// <summary>
/// PATCH /api/photos/{id}: a property left out (or null) stays as it is; "note": "" clears the note, "tags": [] clears
/// the tags, and a list of tags replaces them all.
/// </summary>
public sealed record UpdatePhotoRequest(string? Note, IReadOnlyList<string>? Tags);

public sealed record TagCount(string Tag, int Photos);

public sealed record UploaderCount(MemberRef Uploader, int Photos);

/// <summary>
/// The project's photos as GET /api/projects/{id}/photos pages them, newest first: the filter as understood, the page
/// (1-based), the page size, how many photos pass the filter, and this page's photos.
/// </summary>
public sealed record GalleryPageJson(GalleryFilterJson Filter, int Page, int PageSize, int Total, int Pages, IReadOnlyList<PhotoJson> Photos);

public sealed record GalleryFilterJson(string? From, string? To, long? Uploader, long? Milestone, string? Status, string? Tag);

/// <summary>
/// What a photo is, as a thumbnail's caption and the gallery's status filter say it, in this order of precedence:
/// a reference photo; a milestone set by a manager; still processing; failed; matched automatically; in review.
/// lib/photos.js (photoKind) applies the same order to draw captions.
/// </summary>
public static class GalleryStatuses
{
    public const string Reference = "reference";
    public const string Manual = "manual";
    public const string Processing = "processing";
    public const string Failed = "failed";
    public const string Matched = "matched";
    public const string Review = "review";

    public static readonly IReadOnlyList<(string Value, string Label)> All =
    [
        (Matched, "Matched automatically"), (Manual, "Set by a manager"), (Review, "In review"),
        (Reference, "Reference"), (Processing, "Processing"), (Failed, "Failed"),
    ];

    private const string NotReferenceOrManual =
        "COALESCE(ph.milestone_source, '') <> 'reference' AND NOT (COALESCE(ph.milestone_source, '') = 'manual' AND ph.milestone_id IS NOT NULL)";

    /// <summary>The SQL condition on photos ph for a status (the value was checked against <see cref="All"/>).</summary>
    public static string Condition(string status) => status switch
    {
        Reference => "ph.milestone_source = 'reference'",
        Manual => "ph.milestone_source = 'manual' AND ph.milestone_id IS NOT NULL",
        Processing => $"ph.status IN ('pending', 'embedded') AND {NotReferenceOrManual}",
        Failed => $"ph.status = 'failed' AND {NotReferenceOrManual}",
        Matched => $"ph.status = 'matched' AND {NotReferenceOrManual}",
        Review => $"ph.status = 'unmatched' AND {NotReferenceOrManual}",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a gallery status."),
    };
}

/// <summary>The gallery's filter: taken from (inclusive) and to (exclusive, the day after the "to" date), and the rest exact.</summary>
public sealed record GalleryFilter(DateTimeOffset? From, DateTimeOffset? To, long? UploaderId, long? MilestoneId, string? Status, string? Tag)
{
    public const int DefaultPageSize = 60;
    public const int MaxPageSize = 200;

    /// <summary>Reads the query (from, to as yyyy-MM-dd; uploader, milestone as ids; status; tag), or says in words what is wrong.</summary>
    public static (GalleryFilter? Filter, string? Error) Parse(string? from, string? to, long? uploader, long? milestone, string? status, string? tag)
    {
        DateTimeOffset? fromTime = null, toTime = null;
        if (!string.IsNullOrWhiteSpace(from))
        {
            if (!DateOnly.TryParseExact(from.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                return (null, $"Write the first day as a date like 2026-11-27 (got \"{from}\").");
            fromTime = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }
        if (!string.IsNullOrWhiteSpace(to))
        {
            if (!DateOnly.TryParseExact(to.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                return (null, $"Write the last day as a date like 2026-11-27 (got \"{to}\").");
            toTime = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }
        if (fromTime > toTime) return (null, "The first day is after the last day: swap them.");
        status = string.IsNullOrWhiteSpace(status) ? null : status.Trim().ToLowerInvariant();
        if (status is not null && GalleryStatuses.All.All(s => s.Value != status))
            return (null, $"\"{status}\" is not a status; use one of {string.Join(", ", GalleryStatuses.All.Select(s => s.Value))}.");
        var (tags, tagError) = PhotoTags.Normalize([tag]);
        if (tagError is not null) return (null, tagError);
        return (new GalleryFilter(fromTime, toTime, uploader, milestone, status, tags.FirstOrDefault()), null);
    }

    public GalleryFilterJson ToJson() => new(
        From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        To?.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        UploaderId, MilestoneId, Status, Tag);
}

/// <summary>
/// Notes and tags (read with every photo, written here), the project's tags for autocomplete, its uploaders, and the
/// gallery query. A note or tags may be changed by the photo's uploader and the project's managers.
/// </summary>
public static class PhotoContextApi
{
    public static IEndpointRouteBuilder MapPhotoContext(this IEndpointRouteBuilder app)
    {
        app.MapPatch("/api/photos/{photoId:long}", UpdateAsync).RequireAuthorization(Policies.PhotoMember)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RefuseChangesWhenArchived();
        var project = app.MapGroup("/api/projects/{projectId:long}").RequireAuthorization(Policies.ProjectMember);
        project.MapGet("/tags", GetTagsAsync).ProducesProblem(StatusCodes.Status404NotFound);
        project.MapGet("/uploaders", GetUploadersAsync).ProducesProblem(StatusCodes.Status404NotFound);
        project.MapGet("/photos", GetGalleryAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<PhotoJson>, ProblemHttpResult>> UpdateAsync(
        long photoId, UpdatePhotoRequest request, ClaimsPrincipal user, PhotoRepository photos, ProjectAccess access, TimelineNotifier notifier,
        AuditLog audit)
    {
        if (await photos.GetByIdAsync(photoId) is not { } photo) return Problems.NoSuchPhoto(photoId);
        if (photo.UploadedBy != user.TryGetUserId() && !await access.HasAsync(user, photo.ProjectId, ProjectPermission.Manage))
            return TypedResults.Problem("Only the person who uploaded this photo and the project's managers can change its note and tags.",
                statusCode: StatusCodes.Status403Forbidden, title: "Not your photo");
        var (note, noteError) = PhotoTags.NormalizeNote(request.Note);
        if (noteError is not null) return Problems.BadRequest("Note too long", noteError);
        IReadOnlyList<string>? tags = null;
        if (request.Tags is not null)
        {
            var (normalized, tagError) = PhotoTags.Normalize(request.Tags);
            if (tagError is not null) return Problems.BadRequest("Tags not accepted", tagError);
            tags = normalized;
        }
        if (!await audit.RecordRequestAsync(AuditActions.PhotoChanged, photo.ProjectId,
                transaction => photos.UpdateNoteAndTagsAsync(photoId, request.Note is not null, note, tags, transaction), updated => updated))
            return Problems.NoSuchPhoto(photoId);
        await notifier.PhotoUpdatedAsync(photoId);
        return TypedResults.Ok(PhotoJson.From((await photos.GetByIdAsync(photoId))!));
    }

    /// <summary>The project's tags, most used first; with a prefix, only those starting with it (autocomplete).</summary>
    private static async Task<Results<Ok<IReadOnlyList<TagCount>>, ProblemHttpResult>> GetTagsAsync(
        long projectId, string? prefix, int? limit, ProjectRepository projects, PhotoRepository photos)
    {
        if (!await projects.ExistsAsync(projectId)) return Problems.NoSuchProject(projectId);
        var (normalized, _) = PhotoTags.Normalize([prefix]);
        return TypedResults.Ok(await photos.GetTagsByProjectIdAsync(projectId, normalized.FirstOrDefault(), Math.Clamp(limit ?? 50, 1, 500)));
    }

    private static async Task<Results<Ok<IReadOnlyList<UploaderCount>>, ProblemHttpResult>> GetUploadersAsync(
        long projectId, ProjectRepository projects, PhotoRepository photos) =>
        await projects.ExistsAsync(projectId)
            ? TypedResults.Ok(await photos.GetUploadersByProjectIdAsync(projectId))
            : Problems.NoSuchProject(projectId);

    /// <summary>
    /// The gallery: the project's photos (not deleted), newest first, filtered by days taken (from, to: yyyy-MM-dd,
    /// both included), uploader, milestone, status (matched, manual, review, reference, processing, failed) and tag,
    /// a page at a time (page from 1, pageSize up to 200).
    /// </summary>
    private static async Task<Results<Ok<GalleryPageJson>, ProblemHttpResult>> GetGalleryAsync(
        long projectId, string? from, string? to, long? uploader, long? milestone, string? status, string? tag, int? page, int? pageSize,
        ProjectRepository projects, PhotoRepository photos)
    {
        if (!await projects.ExistsAsync(projectId)) return Problems.NoSuchProject(projectId);
        var (filter, error) = GalleryFilter.Parse(from, to, uploader, milestone, status, tag);
        if (filter is null) return Problems.BadRequest("Filter not understood", error!);
        var size = Math.Clamp(pageSize ?? GalleryFilter.DefaultPageSize, 1, GalleryFilter.MaxPageSize);
        var number = Math.Max(page ?? 1, 1);
        var (rows, total) = await photos.GetGalleryPageAsync(projectId, filter, number, size);
        return TypedResults.Ok(new GalleryPageJson(filter.ToJson(), number, size, total, Math.Max(1, (total + size - 1) / size),
            rows.Select(PhotoJson.From).ToList()));
    }
}
