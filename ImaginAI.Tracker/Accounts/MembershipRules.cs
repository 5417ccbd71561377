using ImaginAI.Tracker.Data;
using ImaginAI.Tracker.Security;
using ImaginAI.Tracker.Timeline;

namespace ImaginAI.Tracker.Accounts;

/// <summary>Adding, changing and removing project members, audited, shared by the admin and project pages.</summary>
internal static class MembershipRules
{
    /// <summary>Returns why the membership cannot be set, or null when it was set (with its audit line, in one transaction).</summary>
    public static async Task<string?> SetAsync(TrackerDb db, MembershipRepository members, AuditLog audit, long projectId, User user, string? role)
    {
        if (!ProjectRoles.IsValid(role)) return "Choose manager or field as the role in the project.";
        if (!ProjectRoles.AllowedFor(user.Role, role!))
            return $"{user.Email} is field staff and cannot manage a project. An admin can make them a manager first.";
        await db.InTransactionAsync(async transaction =>
        {
            var previous = await members.UpsertAsync(projectId, user.Id, role!, transaction);
            if (previous is null)
                await audit.WriteAsync(AuditActions.MemberAdded, projectId, user.Email, role, transaction: transaction);
            else if (previous != role)
                await audit.WriteAsync(AuditActions.MemberRoleChanged, projectId, user.Email, $"{previous} -> {role}", transaction: transaction);
            return previous;
        });
        return null;
    }

    public static async Task RemoveAsync(
        TrackerDb db, MembershipRepository members, AuditLog audit, TimelineAccessGuard live, long projectId, User user)
    {
        await db.InTransactionAsync(async transaction =>
        {
            var removed = await members.RemoveAsync(projectId, user.Id, transaction);
            if (removed) await audit.WriteAsync(AuditActions.MemberRemoved, projectId, user.Email, transaction: transaction);
            return removed;
        });
        await live.RecheckUserAsync(user.Id);
    }
}
