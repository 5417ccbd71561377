using ImaginAI.Tracker.Data;
using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Security;
using ImaginAI.Tracker.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Photos;

public sealed record UploadPageModel(long ProjectId, string ProjectName, long MaxUploadBytes);

public sealed record PhotoPageModel(long PhotoId, string FileName, long ProjectId, string ProjectName, string? VerificationUnavailableReason,
    PhotoNeighbours Neighbours, PhotoLocation? Location = null);

public sealed class PhotosPagesController(ProjectRepository projects, PhotoRepository photos, IOptions<StorageOptions> storage)
    : Controller
{
    [HttpGet("/projects/{id:long}/upload"), Authorize(Policy = Policies.ProjectMember)]
    public async Task<IActionResult> Upload(long id) => await projects.GetByIdAsync(id) is { } project
        ? View("Upload", new UploadPageModel(project.Id, project.Name, storage.Value.MaxUploadBytes))
        : this.ProjectNotFound();

    [HttpGet("/projects/{id:long}/review"), Authorize(Policy = Policies.ProjectManager)]
    public async Task<IActionResult> Review(long id) => await projects.GetByIdAsync(id) is { } project
        ? View("Review", new ProjectPageModel(project.Id, project.Name))
        : this.ProjectNotFound();

    [HttpGet("/photos/{id:long}"), Authorize(Policy = Policies.PhotoMember)]
    public async Task<IActionResult> Photo(long id) =>
        await photos.GetByIdAsync(id) is { } photo && await projects.GetByIdAsync(photo.ProjectId) is { } project
            ? View("Photo", new PhotoPageModel(photo.Id, photo.FileName, project.Id, project.Name, Matching.PhotoVerifier.UnavailableReason,
                await photos.GetNeighboursAsync(photo), photo.Location))
            : this.NotFoundPage("This photo does not exist",
                "It may have been removed, or the link is incomplete. Its project's timeline lists every photo.");
}
