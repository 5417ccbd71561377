using ImaginAI.Tracker.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace ImaginAI.Tracker.Timeline;

public sealed record TimelinePageModel(long ProjectId, string ProjectName);

public sealed class TimelinePagesController : Controller
{
    [HttpGet("/projects/{id:long}"), Authorize(Policy = Policies.ProjectMember)]
    public IActionResult Timeline(long id) => View("Timeline", new TimelinePageModel(id, "Project"));
}
