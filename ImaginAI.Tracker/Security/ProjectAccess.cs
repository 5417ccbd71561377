using System.Security.Claims;
using ImaginAI.Tracker.Accounts;

namespace ImaginAI.Tracker.Security;

public enum ProjectPermission
{
    /// <summary>See the project and upload to it: any member.</summary>
    View,

    /// <summary>Administer it (milestones, match decisions, threshold, members): its managers.</summary>
    Manage,
}

/// <summary>The one place that answers "may this user see or administer this project?".</summary>
public sealed class ProjectAccess(MembershipRepository members, AuditLog audit)
{
    public async Task<bool> HasAsync(ClaimsPrincipal user, long projectId, ProjectPermission permission) =>
        user.TryGetUserId() is { } userId && await HasAsync(userId, user.IsAdmin(), projectId, permission);

    /// <summary>The same answer for an account as it is stored now (just after its role or memberships changed), not as its sign-in says.</summary>
    public Task<bool> HasAsync(User user, long projectId, ProjectPermission permission) =>
        HasAsync(user.Id, user.IsAdmin, projectId, permission);

    private async Task<bool> HasAsync(long userId, bool isAdmin, long projectId, ProjectPermission permission)
    {
        if (isAdmin) return true;
        var role = await members.GetRoleAsync(projectId, userId);
        return permission switch
        {
            ProjectPermission.View => role is not null,
            ProjectPermission.Manage => role == ProjectRoles.Manager,
            _ => false,
        };
    }

    public async Task<bool> HasForPhotoAsync(ClaimsPrincipal user, long photoId, ProjectPermission permission) =>
        await members.GetProjectIdOfPhotoAsync(photoId) is { } projectId && await HasAsync(user, projectId, permission);

    /// <summary>The ids of the projects the user may see; null means every project (an admin).</summary>
    public async Task<IReadOnlySet<long>?> GetVisibleProjectIdsAsync(ClaimsPrincipal user)
    {
        if (user.IsAdmin()) return null;
        if (user.TryGetUserId() is not { } userId) return new HashSet<long>();
        return (await members.GetProjectIdsByUserIdAsync(userId)).ToHashSet();
    }

    public static bool CanCreateProjects(ClaimsPrincipal user) => user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Manager);

    /// <summary>Whoever creates a project becomes its manager, so they can administer it and add their team.</summary>
    /// <summary>Makes the project's creator its manager, in the transaction that creates the project.</summary>
    public async Task AddCreatorAsync(long projectId, ClaimsPrincipal user, System.Data.IDbTransaction transaction)
    {
        if (user.TryGetUserId() is not { } userId) return;
        await members.UpsertAsync(projectId, userId, ProjectRoles.Manager, transaction);
        await audit.WriteAsync(AuditActions.MemberAdded, projectId, user.FindFirstValue(ClaimTypes.Email), "manager (created the project)",
            transaction: transaction);
    }
}
