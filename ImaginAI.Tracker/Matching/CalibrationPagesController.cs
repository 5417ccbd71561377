using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Security;
using ImaginAI.Tracker.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace ImaginAI.Tracker.Matching;

public sealed class CalibrationPagesController(ProjectRepository projects) : Controller
{
    [HttpGet("/projects/{projectId:long}/settings"), Authorize(Policy = Policies.ProjectManager)]
    public async Task<IActionResult> Settings(long projectId) => await projects.GetByIdAsync(projectId) is { } project
        ? View("Settings", new ProjectPageModel(project.Id, project.Name))
        : this.ProjectNotFound();
}
