using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Security;
using ImaginAI.Tracker.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Reports;

public sealed record MapPageModel(long ProjectId, string ProjectName, string TileUrl, string TileAttribution);

public sealed class ReportsPagesController(ProjectRepository projects, IOptions<MapOptions> map) : Controller
{
    [HttpGet("/projects/{id:long}/map"), Authorize(Policy = Policies.ProjectMember)]
    public async Task<IActionResult> Map(long id)
    {
        if (await projects.GetByIdAsync(id) is not { } project) return this.ProjectNotFound();
        // The one page that shows pictures from elsewhere: the configured tile server, and nothing else.
        Response.Headers.ContentSecurityPolicy = SecurityHeadersStartupFilter.ContentSecurityPolicy
            .Replace("img-src 'self' data: blob:", $"img-src 'self' data: blob: {map.Value.TileOrigin()}", StringComparison.Ordinal);
        return View("Map", new MapPageModel(project.Id, project.Name, map.Value.TileUrl, map.Value.TileAttribution));
    }
}
