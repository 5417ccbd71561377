using ImaginAI.Tracker.Security;
using ImaginAI.Tracker.Timeline;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace ImaginAI.Tracker.Accounts;

public sealed record ProjectMembersPage(long ProjectId, string ProjectName, IReadOnlyList<ProjectMember> Members,
    IReadOnlyList<MemberCandidate> Candidates, string? Message, string? Error);

/// <summary>A project's managers (and admins) add and remove the project's members.</summary>
[Route("projects/{projectId:long}/members"), Authorize(Policy = Policies.ProjectManager)]
public sealed class ProjectMembersPagesController(
    UserRepository users, MembershipRepository members, AuditLog audit, TimelineAccessGuard live, Data.TrackerDb db) : Controller
{
    [HttpGet("")]
    public Task<IActionResult> Index(long projectId) => MembersViewAsync(projectId, null, null);

    [HttpPost("")]
    public async Task<IActionResult> Add(long projectId, string? email, string? role)
    {
        var user = string.IsNullOrWhiteSpace(email) ? null : await users.GetByEmailAsync(email);
        if (user is null)
            return await MembersViewAsync(projectId, null, $"Nobody has the email {email}. An admin adds new people on the users page.", StatusCodes.Status400BadRequest);
        var error = await MembershipRules.SetAsync(db, members, audit, projectId, user, role);
        return error is null
            ? await MembersViewAsync(projectId, $"{user.Email} is now {role} of this project.", null)
            : await MembersViewAsync(projectId, null, error, StatusCodes.Status400BadRequest);
    }

    [HttpPost("{userId:long}/remove")]
    public async Task<IActionResult> Remove(long projectId, long userId)
    {
        var user = await users.GetByIdAsync(userId);
        if (user is null) return await MembersViewAsync(projectId, null, "There is no such member.", StatusCodes.Status404NotFound);
        var current = await members.GetRoleAsync(projectId, userId);
        if (current == ProjectRoles.Manager && await members.CountManagersAsync(projectId) == 1 && !User.IsAdmin())
            return await MembersViewAsync(projectId, null, "This is the project's last manager: add another manager first.", StatusCodes.Status400BadRequest);
        await MembershipRules.RemoveAsync(db, members, audit, live, projectId, user);
        return await MembersViewAsync(projectId, $"{user.Email} is no longer a member of this project.", null);
    }

    private async Task<IActionResult> MembersViewAsync(long projectId, string? message, string? error, int status = 200)
    {
        var names = await members.GetProjectNamesAsync();
        if (!names.TryGetValue(projectId, out var name)) return NotFound();
        var current = await members.GetManyByProjectIdAsync(projectId);
        var candidates = await members.GetCandidatesAsync(projectId, User.GetUserId(), User.IsAdmin());
        Response.StatusCode = status;
        return View("~/Accounts/Views/Members.cshtml", new ProjectMembersPage(projectId, name, current, candidates, message, error));
    }
}
