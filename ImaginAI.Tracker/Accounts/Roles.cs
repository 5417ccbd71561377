namespace ImaginAI.Tracker.Accounts;

/// <summary>A user's global role. Admins see every project; managers create projects; field staff upload.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Manager = "manager";
    public const string Field = "field";

    public static readonly IReadOnlyList<string> All = [Admin, Manager, Field];

    public static bool IsValid(string? role) => role is not null && All.Contains(role);
}

/// <summary>A user's role inside one project: managers administer it, field members view it and upload to it.</summary>
public static class ProjectRoles
{
    public const string Manager = "manager";
    public const string Field = "field";

    public static readonly IReadOnlyList<string> All = [Manager, Field];

    public static bool IsValid(string? role) => role is not null && All.Contains(role);

    /// <summary>Field staff cannot administer a project, whatever membership they are given.</summary>
    public static bool AllowedFor(string globalRole, string projectRole) =>
        projectRole == Field || globalRole is Roles.Admin or Roles.Manager;
}
