using ImaginAI.Tracker.Security;
using ImaginAI.Tracker.Timeline;

namespace ImaginAI.Tracker.Accounts;

/// <summary>Adding, changing and removing project members, audited, shared by the admin and project pages.</summary>
internal static class MembershipRules
{
    /// <summary>Returns why the membership cannot be set, or null when it was set.</summary>
    public static async Task<string?> SetAsync(MembershipRepository members, AuditLog audit, long projectId, User user, string? role)
    {
        if (!ProjectRoles.IsValid(role)) return "Choose manager or field as the role in the project.";
        if (!ProjectRoles.AllowedFor(user.Role, role!))
            return $"{user.Email} is field staff and cannot manage a project. An admin can make them a manager first.";
        var previous = await members.UpsertAsync(projectId, user.Id, role!);
        if (previous is null)
            await audit.WriteAsync(AuditActions.MemberAdded, projectId, user.Email, role);
        else if (previous != role)
            await audit.WriteAsync(AuditActions.MemberRoleChanged, projectId, user.Email, $"{previous} -> {role}");
        return null;
    }

    public static async Task RemoveAsync(
        MembershipRepository members, AuditLog audit, TimelineAccessGuard live, long projectId, User user)
    {
        if (await members.RemoveAsync(projectId, user.Id))
            await audit.WriteAsync(AuditActions.MemberRemoved, projectId, user.Email);
        await live.RecheckUserAsync(user.Id);
    }
}
