using System.Security.Claims;
using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace ImaginAI.Tracker.Search;

public sealed record SearchPageProject(long Id, string Name);

public sealed record SearchPageModel(IReadOnlyList<SearchPageProject> Projects, long? ProjectId, int MaxResults);

public sealed class SearchPagesController(ProjectRepository projects, ProjectAccess access) : Controller
{
    // Any signed-in user: the search itself only looks in the projects they may see.
    [HttpGet("/search"), Authorize]
    public async Task<IActionResult> Search(long? projectId)
    {
        var visible = await access.GetVisibleProjectIdsAsync(User ?? new ClaimsPrincipal());
        var list = (await projects.GetAllAsync()).Where(p => visible is null || visible.Contains(p.Id))
            .Select(p => new SearchPageProject(p.Id, p.Name)).ToList();
        var chosen = projectId is { } id && list.Exists(p => p.Id == id) ? projectId : null;
        return View("Search", new SearchPageModel(list, chosen, SearchApi.MaxResults));
    }
}
