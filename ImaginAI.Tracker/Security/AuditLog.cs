using System.Security.Claims;
using Dapper;
using ImaginAI.Tracker.Data;

namespace ImaginAI.Tracker.Security;

public sealed record AuditEntry
{
    public long Id { get; init; }
    public DateTimeOffset At { get; init; }
    public string Action { get; init; } = "";
    public long? UserId { get; init; }
    public string? UserEmail { get; init; }
    public long? ProjectId { get; init; }
    public string? Subject { get; init; }
    public string? Detail { get; init; }
    public string? RemoteIp { get; init; }
}

/// <summary>The names of audited actions, as stored in audit_log.action.</summary>
public static class AuditActions
{
    public const string SignIn = "sign-in";
    public const string SignInFailed = "sign-in-failed";
    public const string SignOut = "sign-out";
    public const string TokenCreated = "token-created";
    public const string TokenRevoked = "token-revoked";
    public const string TokenUsed = "token-used";
    public const string UserCreated = "user-created";
    public const string UserRoleChanged = "user-role-changed";
    public const string UserPasswordReset = "user-password-reset";
    public const string UserDeleted = "user-deleted";
    public const string MemberAdded = "member-added";
    public const string MemberRoleChanged = "member-role-changed";
    public const string MemberRemoved = "member-removed";
    public const string MilestoneDecided = "milestone-decided";
    public const string ProjectChanged = "project-changed";
    public const string Deleted = "deleted";
    public const string PhotoRestored = "photo-restored";
    public const string MilestoneChanged = "milestone-changed";
    /// <summary>A member downloaded a ZIP of a project's photos.</summary>
    public const string Exported = "photos-exported";
    public const string PhotoChanged = "photo-changed";
    public const string CommentAdded = "comment-added";
}

public sealed class AuditLog(TrackerDb db, IHttpContextAccessor httpContextAccessor)
{
    /// <summary>Who acts when there is no web request: the command line or the start-up configuration.</summary>
    public string? ActorWithoutRequest { get; set; }

    /// <summary>
    /// Records an action by the current request's user (or by <paramref name="actorEmail"/> when given), in the
    /// transaction of the change it records when there is one.
    /// </summary>
    public async Task WriteAsync(string action, long? projectId = null, string? subject = null, string? detail = null,
        long? actorId = null, string? actorEmail = null, System.Data.IDbTransaction? transaction = null)
    {
        var context = httpContextAccessor.HttpContext;
        var user = context?.User;
        if (actorId is null && user?.Identity?.IsAuthenticated == true)
        {
            actorId = user.TryGetUserId();
            actorEmail ??= user.FindFirstValue(ClaimTypes.Email);
        }
        if (context is null && actorId is null) actorEmail ??= ActorWithoutRequest;
        await db.UseAsync(transaction, (connection, transaction) => connection.ExecuteAsync("""
            INSERT INTO audit_log (at, action, user_id, user_email, project_id, subject, detail, remote_ip)
            VALUES (@at, @action, @actorId, @actorEmail, @projectId, @subject, @detail, @remoteIp)
            """, new
        {
            at = DateTimeOffset.UtcNow, action, actorId, actorEmail, projectId, subject, detail,
            remoteIp = context?.Connection.RemoteIpAddress?.ToString(),
        }, transaction));
    }

    private const int MaxDetailBytes = 2048;

    /// <summary>Set on a request whose handler wrote its own audit line, so the middleware does not write another.</summary>
    internal const string WrittenItem = "ImaginAI.AuditWritten";

    /// <summary>
    /// Makes a change and its audit line in one transaction: <paramref name="change"/> runs in it, and when
    /// <paramref name="happened"/> says it changed something, the line (the request's method and path, its JSON body
    /// as the detail) is written before the commit. A crash or a full disk leaves both or neither.
    /// </summary>
    public async Task<T> RecordRequestAsync<T>(string action, long? projectId, Func<System.Data.IDbTransaction, Task<T>> change, Func<T, bool> happened)
    {
        var context = httpContextAccessor.HttpContext;
        var detail = context is null ? null : await ReadBodyAsync(context.Request);
        var result = await db.InTransactionAsync(async transaction =>
        {
            var result = await change(transaction);
            if (happened(result))
                await WriteAsync(action, projectId, context is null ? null : $"{context.Request.Method} {context.Request.Path}", detail, transaction: transaction);
            return result;
        });
        if (context is not null) context.Items[WrittenItem] = true;
        return result;
    }

    /// <summary>The request's body as text, when it was buffered (AuditedRequestsMiddleware does that for audited routes).</summary>
    internal static async Task<string?> ReadBodyAsync(HttpRequest request)
    {
        if (!request.Body.CanSeek) return null;
        request.Body.Position = 0;
        var buffer = new byte[MaxDetailBytes];
        var read = await request.Body.ReadAtLeastAsync(buffer, MaxDetailBytes, throwOnEndOfStream: false);
        return read == 0 ? null : System.Text.Encoding.UTF8.GetString(buffer, 0, read);
    }

    public async Task<(IReadOnlyList<AuditEntry> Entries, int Total)> GetPageAsync(int page, int pageSize)
    {
        await using var connection = await db.OpenAsync();
        var total = await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM audit_log");
        var entries = (await connection.QueryAsync<AuditEntry>("""
            SELECT id AS Id, at AS At, action AS Action, user_id AS UserId, user_email AS UserEmail,
                   project_id AS ProjectId, subject AS Subject, detail AS Detail, remote_ip AS RemoteIp
            FROM audit_log ORDER BY id DESC LIMIT @pageSize OFFSET @offset
            """, new { pageSize, offset = (Math.Max(page, 1) - 1) * pageSize })).AsList();
        return (entries, total);
    }
}
