using ImaginAI.Tracker.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace ImaginAI.Tracker.Photos;

public sealed record UploadPageModel(long ProjectId, string ProjectName, long MaxUploadBytes);

public sealed record PhotoPageModel(long PhotoId);

public sealed class PhotosPagesController(IConfiguration configuration) : Controller
{
    [HttpGet("/projects/{id:long}/upload"), Authorize(Policy = Policies.ProjectMember)]
    public IActionResult Upload(long id) => View("Upload", new UploadPageModel(id, "Project",
        configuration.GetValue("Storage:MaxUploadBytes", 52_428_800L)));

    [HttpGet("/photos/{id:long}"), Authorize(Policy = Policies.PhotoMember)]
    public IActionResult Photo(long id) => View("Photo", new PhotoPageModel(id));
}
