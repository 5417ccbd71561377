using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Security;
using ImaginAI.Tracker.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace ImaginAI.Tracker.Photos;

/// <summary>The filter as the URL carries it, so a filtered gallery can be shared by its address.</summary>
public sealed record GalleryQuery(string? From, string? To, long? Uploader, long? Milestone, string? Status, string? Tag);

public sealed record GalleryPageModel(
    long ProjectId, string ProjectName, IReadOnlyList<Milestone> Milestones, IReadOnlyList<UploaderCount> Uploaders,
    IReadOnlyList<TagCount> Tags, GalleryQuery Query);

/// <summary>
/// /projects/{id}/gallery: every photo of the project, filtered by the query string. The page draws the filter form
/// from the URL; its script reads the same query from GET /api/projects/{id}/photos, a page at a time.
/// </summary>
public sealed class GalleryPagesController(ProjectRepository projects, MilestoneRepository milestones, PhotoRepository photos) : Controller
{
    [HttpGet("/projects/{id:long}/gallery"), Authorize(Policy = Policies.ProjectMember)]
    public async Task<IActionResult> Gallery(long id, string? from, string? to, string? uploader, string? milestone, string? status, string? tag)
    {
        if (await projects.GetByIdAsync(id) is not { } project) return this.ProjectNotFound();
        var query = new GalleryQuery(from, to, long.TryParse(uploader, out var u) ? u : null, long.TryParse(milestone, out var m) ? m : null, status, tag);
        return View("Gallery", new GalleryPageModel(project.Id, project.Name,
            (await milestones.GetManyByProjectIdAsync(id)).OrderBy(x => x.Position).ToList(),
            await photos.GetUploadersByProjectIdAsync(id), await photos.GetTagsByProjectIdAsync(id, null, 500), query));
    }
}
