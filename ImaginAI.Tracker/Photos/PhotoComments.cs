using System.Data;
using System.Security.Claims;
using Dapper;
using ImaginAI.Tracker.Data;
using ImaginAI.Tracker.Errors;
using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Security;
using ImaginAI.Tracker.Timeline;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImaginAI.Tracker.Photos;

public sealed record NewCommentRequest(string? Body);

/// <summary>A comment on a photo: its author as members see them (null author: written before authors were kept).</summary>
public sealed record CommentJson(long Id, long PhotoId, long ProjectId, MemberRef? Author, string Body, DateTimeOffset CreatedAt);

public sealed class PhotoCommentRepository(TrackerDb db)
{
    private sealed record Row
    {
        public long Id { get; init; }
        public long PhotoId { get; init; }
        public long ProjectId { get; init; }
        public long? UserId { get; init; }
        public string? Email { get; init; }
        public string Body { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }

        public CommentJson ToJson() => new(Id, PhotoId, ProjectId, UserId is { } id ? new MemberRef(id, Email) : null, Body, CreatedAt);
    }

    private const string Select = """
        SELECT c.id, c.photo_id, ph.project_id, c.user_id, u.email, c.body, c.created_at
        FROM photo_comments c JOIN photos ph ON ph.id = c.photo_id LEFT JOIN users u ON u.id = c.user_id
        """;

    /// <summary>The photo's comments, oldest first, as a thread reads.</summary>
    public async Task<IReadOnlyList<CommentJson>> GetManyByPhotoIdAsync(long photoId)
    {
        await using var connection = await db.OpenAsync();
        var rows = await connection.QueryAsync<Row>($"{Select} WHERE c.photo_id = @photoId ORDER BY c.id", new { photoId });
        return rows.Select(r => r.ToJson()).ToList();
    }

    public async Task<CommentJson?> GetByIdAsync(long commentId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QuerySingleOrDefaultAsync<Row>($"{Select} WHERE c.id = @commentId", new { commentId }))?.ToJson();
    }

    /// <summary>Adds the comment; returns its id (read it back with <see cref="GetByIdAsync"/> once committed).</summary>
    public Task<long> CreateAsync(long photoId, long? userId, string body, DateTimeOffset now, IDbTransaction? transaction = null) =>
        db.UseAsync(transaction, (connection, transaction) => connection.ExecuteScalarAsync<long>("""
            INSERT INTO photo_comments (photo_id, user_id, body, created_at) VALUES (@photoId, @userId, @body, @now)
            RETURNING id
            """, new { photoId, userId, body, now = TrackerDb.Utc(now) }, transaction));

    public async Task<bool> DeleteAsync(long commentId, IDbTransaction? transaction = null) =>
        await db.UseAsync(transaction, (connection, transaction) =>
            connection.ExecuteAsync("DELETE FROM photo_comments WHERE id = @commentId", new { commentId }, transaction)) == 1;
}

/// <summary>
/// A photo's thread of comments. Any member of the project reads and writes; a comment is deleted by its author or a
/// manager. Adding and deleting are audited in the comment's own transaction; every watcher of the project sees both
/// at once (commentAdded, commentDeleted).
/// </summary>
public static class PhotoCommentsApi
{
    public const int MaxLength = 2000;

    public static IEndpointRouteBuilder MapPhotoComments(this IEndpointRouteBuilder app)
    {
        const string route = "/api/photos/{photoId:long}/comments";
        app.MapGet(route, GetAsync).RequireAuthorization(Policies.PhotoMember).ProducesProblem(StatusCodes.Status404NotFound);
        app.MapPost(route, AddAsync).RequireAuthorization(Policies.PhotoMember).RefuseChangesWhenArchived()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        app.MapDelete(route + "/{commentId:long}", DeleteAsync).RequireAuthorization(Policies.PhotoMember).RefuseChangesWhenArchived()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<CommentJson>>, ProblemHttpResult>> GetAsync(
        long photoId, PhotoRepository photos, PhotoCommentRepository comments) =>
        await photos.GetByIdAsync(photoId) is null
            ? Problems.NoSuchPhoto(photoId)
            : TypedResults.Ok(await comments.GetManyByPhotoIdAsync(photoId));

    private static async Task<Results<Created<CommentJson>, ProblemHttpResult>> AddAsync(
        long photoId, NewCommentRequest request, ClaimsPrincipal user, PhotoRepository photos, PhotoCommentRepository comments,
        TimelineNotifier notifier, TimeProvider clock, AuditLog audit)
    {
        if (await photos.GetByIdAsync(photoId) is not { } photo) return Problems.NoSuchPhoto(photoId);
        var body = request.Body?.Trim() ?? "";
        if (body.Length == 0) return Problems.BadRequest("Empty comment", "Write something before sending the comment.");
        if (body.Length > MaxLength) return Problems.BadRequest("Comment too long", $"Keep a comment under {MaxLength} characters (this one has {body.Length}).");
        var id = await audit.RecordRequestAsync(AuditActions.CommentAdded, photo.ProjectId,
            transaction => comments.CreateAsync(photoId, user.TryGetUserId(), body, clock.GetUtcNow(), transaction), _ => true);
        var comment = (await comments.GetByIdAsync(id))!;
        await notifier.CommentAddedAsync(comment);
        return TypedResults.Created($"/api/photos/{photoId}/comments/{comment.Id}", comment);
    }

    private static async Task<Results<Ok<CommentJson>, ProblemHttpResult>> DeleteAsync(
        long photoId, long commentId, ClaimsPrincipal user, PhotoCommentRepository comments, ProjectAccess access, TimelineNotifier notifier,
        AuditLog audit)
    {
        if (await comments.GetByIdAsync(commentId) is not { } comment || comment.PhotoId != photoId)
            return Problems.NotFound($"Photo {photoId} has no comment {commentId}. It may have been deleted already.");
        if (comment.Author?.Id != user.TryGetUserId() && !await access.HasAsync(user, comment.ProjectId, ProjectPermission.Manage))
            return TypedResults.Problem("Only the comment's author and the project's managers can delete it.",
                statusCode: StatusCodes.Status403Forbidden, title: "Not your comment");
        if (!await audit.RecordRequestAsync(AuditActions.Deleted, comment.ProjectId, transaction => comments.DeleteAsync(commentId, transaction), deleted => deleted))
            return Problems.NotFound($"Photo {photoId} has no comment {commentId}. It may have been deleted already.");
        await notifier.CommentDeletedAsync(comment);
        return TypedResults.Ok(comment);
    }
}
