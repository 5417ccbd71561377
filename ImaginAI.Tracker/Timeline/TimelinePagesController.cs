using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Security;
using ImaginAI.Tracker.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace ImaginAI.Tracker.Timeline;

public sealed class TimelinePagesController(ProjectRepository projects) : Controller
{
    [HttpGet("/projects/{id:long}"), Authorize(Policy = Policies.ProjectMember)]
    public async Task<IActionResult> Timeline(long id) => await projects.GetByIdAsync(id) is { } project
        ? View("Timeline", new ProjectPageModel(project.Id, project.Name))
        : this.ProjectNotFound();
}
