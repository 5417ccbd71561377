using Microsoft.AspNetCore.Mvc;

namespace ImaginAI.Tracker.Projects;

public sealed class ProjectsPagesController : Controller
{
    [HttpGet("/")]
    public IActionResult Index() => View("Projects");
}
