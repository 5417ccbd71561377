using ImaginAI.Tracker.Security;
using ImaginAI.Tracker.Timeline;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace ImaginAI.Tracker.Accounts;

public sealed record UsersPage(IReadOnlyList<User> Users, IReadOnlyDictionary<long, IReadOnlyList<ProjectMember>> Memberships,
    IReadOnlyDictionary<long, string> ProjectNames, string? Message, string? Error, int MinPasswordLength);

public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, int Page, int PageCount, int Total);

/// <summary>Admins: users, their roles and project memberships, and the audit trail.</summary>
[Route("admin"), Authorize(Policy = Policies.Admin)]
public sealed class UsersPagesController(
    AccountService accounts,
    UserRepository users,
    MembershipRepository members,
    AuditLog audit,
    TimelineAccessGuard live,
    Data.TrackerDb db) : Controller
{
    private const string Views = "~/Accounts/Views/";
    private const int AuditPageSize = 50;

    [HttpGet("users")]
    public Task<IActionResult> Index() => UsersViewAsync(null, null);

    [HttpPost("users")]
    public async Task<IActionResult> Add(string? email, string? password, string? role)
    {
        try { await accounts.CreateUserAsync(email ?? "", password ?? "", role ?? Roles.Field); }
        catch (AccountException e) { return await UsersViewAsync(null, e.Message, StatusCodes.Status400BadRequest); }
        return await UsersViewAsync($"Added {email!.Trim()} as {role}.", null);
    }

    [HttpPost("users/{userId:long}/role")]
    public async Task<IActionResult> SetRole(long userId, string? role)
    {
        var user = await users.GetByIdAsync(userId);
        if (user is null) return await UsersViewAsync(null, "There is no such user.", StatusCodes.Status404NotFound);
        if (!Roles.IsValid(role)) return await UsersViewAsync(null, "Choose admin, manager or field.", StatusCodes.Status400BadRequest);
        if (user.IsAdmin && role != Roles.Admin && await users.CountAdminsAsync() == 1)
            return await UsersViewAsync(null, "This is the last admin: make someone else an admin first.", StatusCodes.Status400BadRequest);
        await db.InTransactionAsync(async transaction =>
        {
            await users.UpdateRoleAsync(userId, role!, transaction);
            await audit.WriteAsync(AuditActions.UserRoleChanged, subject: user.Email, detail: $"{user.Role} -> {role}", transaction: transaction);
            return true;
        });
        // The new security stamp ends the user's sign-ins: their open live connections close now.
        await live.RecheckUserAsync(userId);
        return await UsersViewAsync($"{user.Email} is now {role}.", null);
    }

    [HttpPost("users/{userId:long}/password")]
    public async Task<IActionResult> ResetPassword(long userId, string? password)
    {
        var user = await users.GetByIdAsync(userId);
        if (user is null) return await UsersViewAsync(null, "There is no such user.", StatusCodes.Status404NotFound);
        try { await accounts.ResetPasswordAsync(user, password ?? ""); }
        catch (AccountException e) { return await UsersViewAsync(null, e.Message, StatusCodes.Status400BadRequest); }
        await live.RecheckUserAsync(userId);
        return await UsersViewAsync($"New password set for {user.Email}; the account is unlocked, signed out everywhere and its API tokens revoked.", null);
    }

    [HttpPost("users/{userId:long}/delete")]
    public async Task<IActionResult> Delete(long userId)
    {
        var user = await users.GetByIdAsync(userId);
        if (user is null) return await UsersViewAsync(null, "There is no such user.", StatusCodes.Status404NotFound);
        if (userId == User.GetUserId()) return await UsersViewAsync(null, "You cannot delete your own account.", StatusCodes.Status400BadRequest);
        await db.InTransactionAsync(async transaction =>
        {
            var deleted = await users.DeleteAsync(userId, transaction);
            if (deleted) await audit.WriteAsync(AuditActions.UserDeleted, subject: user.Email, detail: $"role {user.Role}", transaction: transaction);
            return deleted;
        });
        await live.RecheckUserAsync(userId);
        return await UsersViewAsync($"Deleted {user.Email}.", null);
    }

    [HttpPost("users/{userId:long}/memberships")]
    public async Task<IActionResult> AddMembership(long userId, long projectId, string? role)
    {
        var user = await users.GetByIdAsync(userId);
        if (user is null) return await UsersViewAsync(null, "There is no such user.", StatusCodes.Status404NotFound);
        if (!await members.ProjectExistsAsync(projectId)) return await UsersViewAsync(null, "There is no such project.", StatusCodes.Status404NotFound);
        var error = await MembershipRules.SetAsync(db, members, audit, projectId, user, role);
        return error is null
            ? await UsersViewAsync($"{user.Email} is now {role} of the project.", null)
            : await UsersViewAsync(null, error, StatusCodes.Status400BadRequest);
    }

    [HttpPost("users/{userId:long}/memberships/{projectId:long}/remove")]
    public async Task<IActionResult> RemoveMembership(long userId, long projectId)
    {
        var user = await users.GetByIdAsync(userId);
        if (user is null) return await UsersViewAsync(null, "There is no such user.", StatusCodes.Status404NotFound);
        await MembershipRules.RemoveAsync(db, members, audit, live, projectId, user);
        return await UsersViewAsync($"{user.Email} is no longer a member of the project.", null);
    }

    [HttpGet("audit")]
    public async Task<IActionResult> Audit(int page = 1)
    {
        page = Math.Max(page, 1);
        var (entries, total) = await audit.GetPageAsync(page, AuditPageSize);
        var pageCount = Math.Max(1, (total + AuditPageSize - 1) / AuditPageSize);
        return View(Views + "Audit.cshtml", new AuditPage(entries, page, pageCount, total));
    }

    private async Task<IActionResult> UsersViewAsync(string? message, string? error, int status = 200)
    {
        var all = await users.GetAllAsync();
        var memberships = new Dictionary<long, IReadOnlyList<ProjectMember>>();
        foreach (var user in all) memberships[user.Id] = await members.GetManyByUserIdAsync(user.Id);
        Response.StatusCode = status;
        return View(Views + "Users.cshtml", new UsersPage(all, memberships, await members.GetProjectNamesAsync(), message, error,
            accounts.Options.MinPasswordLength));
    }
}
