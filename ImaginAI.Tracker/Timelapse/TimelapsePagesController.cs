using ImaginAI.Tracker.Photos;
using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Security;
using ImaginAI.Tracker.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace ImaginAI.Tracker.Timelapse;

public sealed record TimelapsePageModel(long PhotoId, string FileName, long ProjectId, string ProjectName);

public sealed class TimelapsePagesController(ProjectRepository projects, PhotoRepository photos) : Controller
{
    [HttpGet("/photos/{id:long}/timelapse"), Authorize(Policy = Policies.PhotoMember)]
    public async Task<IActionResult> Timelapse(long id) =>
        await photos.GetByIdAsync(id) is { } photo && await projects.GetByIdAsync(photo.ProjectId) is { } project
            ? View("Timelapse", new TimelapsePageModel(photo.Id, photo.FileName, project.Id, project.Name))
            : this.NotFoundPage("This photo does not exist",
                "It may have been removed, or the link is incomplete. Its project's timeline lists every photo.");
}
