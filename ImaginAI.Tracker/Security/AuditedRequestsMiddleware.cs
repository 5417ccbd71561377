using System.Text.RegularExpressions;
using ImaginAI.Tracker.Accounts;

namespace ImaginAI.Tracker.Security;

/// <summary>
/// The audit lines of other features' endpoints: every deletion, and every manual milestone decision and project
/// change (threshold, name), with the request body (small JSON) as the detail. A handler writes its line in the
/// transaction of its change (<see cref="AuditLog.RecordRequestAsync{T}"/>); this buffers the body for it, and writes
/// the line after the request only for an endpoint whose handler did not.
/// </summary>
internal sealed partial class AuditedRequestsMiddleware(RequestDelegate next)
{
    private const int MaxDetailBytes = 2048;

    private static readonly (string Method, string Route, string Action)[] Audited =
    [
        ("PUT", "/api/photos/{id}/milestone", AuditActions.MilestoneDecided),
        ("PATCH", "/api/projects/{id}", AuditActions.ProjectChanged),
        ("POST", "/api/photos/{id}/restore", AuditActions.PhotoRestored),
        ("POST", "/api/projects/{id}/photos/milestone", AuditActions.MilestoneDecided),
        ("PATCH", "/api/projects/{id}/milestones/{id}", AuditActions.MilestoneChanged),
        ("PUT", "/api/projects/{id}/milestones/order", AuditActions.MilestoneChanged),
        ("POST", "/api/projects/{id}/archive", AuditActions.ProjectChanged),
        ("POST", "/api/projects/{id}/unarchive", AuditActions.ProjectChanged),
        ("PATCH", "/api/photos/{id}", AuditActions.PhotoChanged),
        ("POST", "/api/photos/{id}/comments", AuditActions.CommentAdded),
    ];

    public async Task InvokeAsync(HttpContext context, AuditLog audit, MembershipRepository members)
    {
        var action = ActionOf(context);
        if (action is null)
        {
            await next(context);
            return;
        }
        context.Request.EnableBuffering(MaxDetailBytes * 4);
        await next(context);
        if (context.Response.StatusCode is < 200 or >= 300 || context.Items.ContainsKey(AuditLog.WrittenItem)) return;

        var photoId = RouteId(context, "photoId");
        var projectId = RouteId(context, "projectId") ?? (photoId is { } p ? await members.GetProjectIdOfPhotoAsync(p) : null);
        var subject = $"{context.Request.Method} {context.Request.Path}";
        await audit.WriteAsync(action, projectId, subject, await AuditLog.ReadBodyAsync(context.Request));
    }

    private static string? ActionOf(HttpContext context)
    {
        if (context.GetEndpoint() is not RouteEndpoint endpoint) return null;
        if (HttpMethods.IsDelete(context.Request.Method)) return AuditActions.Deleted;
        var route = NormalizeRoute(endpoint.RoutePattern.RawText);
        foreach (var (method, audited, action) in Audited)
            if (string.Equals(method, context.Request.Method, StringComparison.OrdinalIgnoreCase)
                && string.Equals(route, audited, StringComparison.OrdinalIgnoreCase))
                return action;
        return null;
    }

    /// <summary>"/api/photos/{photoId:long}/milestone" -> "/api/photos/{id}/milestone".</summary>
    internal static string NormalizeRoute(string? raw) =>
        RouteParameter().Replace("/" + (raw ?? "").TrimStart('/'), "{id}");

    private static long? RouteId(HttpContext context, string name)
    {
        var value = context.GetRouteValue(name) ?? context.GetRouteValue("id");
        return long.TryParse(value?.ToString(), out var id) ? id : null;
    }

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex RouteParameter();
}
