using ImaginAI.Tracker.Accounts;
using Microsoft.AspNetCore.Authorization;

namespace ImaginAI.Tracker.Security;

/// <summary>
/// Named authorization policies. Every endpoint not named here still needs a signed-in user (the fallback policy),
/// so a new endpoint is closed by default.
/// </summary>
public static class Policies
{
    /// <summary>Members of the project in the route ({projectId} or {id}); others get 404.</summary>
    public const string ProjectMember = "project-member";

    /// <summary>Managers of the project in the route; non-members get 404, field members 403.</summary>
    public const string ProjectManager = "project-manager";

    /// <summary>Members of the project of the photo in the route ({photoId} or {id}); others get 404.</summary>
    public const string PhotoMember = "photo-member";

    /// <summary>Managers of the project of the photo in the route.</summary>
    public const string PhotoManager = "photo-manager";

    /// <summary>Admins and managers: those who may create projects.</summary>
    public const string ProjectCreator = "project-creator";

    public const string Admin = "admin";

    internal static void Add(AuthorizationOptions options)
    {
        options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        options.AddPolicy(ProjectMember, p => p.RequireAuthenticatedUser()
            .AddRequirements(new ProjectAccessRequirement(ProjectPermission.View, ProjectResource.Project)));
        options.AddPolicy(ProjectManager, p => p.RequireAuthenticatedUser()
            .AddRequirements(new ProjectAccessRequirement(ProjectPermission.Manage, ProjectResource.Project)));
        options.AddPolicy(PhotoMember, p => p.RequireAuthenticatedUser()
            .AddRequirements(new ProjectAccessRequirement(ProjectPermission.View, ProjectResource.Photo)));
        options.AddPolicy(PhotoManager, p => p.RequireAuthenticatedUser()
            .AddRequirements(new ProjectAccessRequirement(ProjectPermission.Manage, ProjectResource.Photo)));
        options.AddPolicy(ProjectCreator, p => p.RequireRole(Roles.Admin, Roles.Manager));
        options.AddPolicy(Admin, p => p.RequireRole(Roles.Admin));
    }
}
