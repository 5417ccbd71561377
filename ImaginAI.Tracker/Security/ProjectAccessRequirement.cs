using System.Globalization;
using ImaginAI.Tracker.Accounts;
using Microsoft.AspNetCore.Authorization;

namespace ImaginAI.Tracker.Security;

public enum ProjectResource { Project, Photo }

public sealed record ProjectAccessRequirement(ProjectPermission Permission, ProjectResource Resource) : IAuthorizationRequirement;

/// <summary>
/// Checks the project (or the photo's project) named in the route. A user who may not even see it fails with
/// <see cref="NotFoundReason"/>, which <see cref="NotFoundForOutsidersResultHandler"/> turns into a 404 so ids
/// cannot be probed; a member lacking the permission fails plainly (403).
/// </summary>
public sealed class ProjectAccessHandler(ProjectAccess access, MembershipRepository members)
    : AuthorizationHandler<ProjectAccessRequirement>
{
    public const string NotFoundReason = "project-not-visible";

    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, ProjectAccessRequirement requirement)
    {
        if (context.Resource is not HttpContext http || context.User.TryGetUserId() is null) return;
        var projectId = requirement.Resource switch
        {
            ProjectResource.Project => RouteId(http, "projectId"),
            ProjectResource.Photo => RouteId(http, "photoId") is { } photoId ? await members.GetProjectIdOfPhotoAsync(photoId) : null,
            _ => null,
        };
        // An admin passes for any id; the endpoint itself answers 404 when the project does not exist.
        if (projectId is null || !await access.HasAsync(context.User, projectId.Value, ProjectPermission.View))
        {
            context.Fail(new AuthorizationFailureReason(this, NotFoundReason));
            return;
        }
        if (requirement.Permission == ProjectPermission.View || await access.HasAsync(context.User, projectId.Value, requirement.Permission))
            context.Succeed(requirement);
        else
            context.Fail(new AuthorizationFailureReason(this, "Only the project's managers can do this."));
    }

    // Routes name the id {projectId}/{photoId}, or just {id} on the resource's own routes.
    private static long? RouteId(HttpContext http, string specificName)
    {
        var value = http.GetRouteValue(specificName) ?? http.GetRouteValue("id");
        return long.TryParse(Convert.ToString(value, CultureInfo.InvariantCulture), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id : null;
    }
}
