using Microsoft.AspNetCore.Http.HttpResults;

namespace ImaginAI.Tracker.Errors;

/// <summary>application/problem+json answers with a short title and a detail in plain words.</summary>
public static class Problems
{
    public static ProblemHttpResult BadRequest(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: title);

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult NoSuchProject(long projectId) => NotFound($"There is no project {projectId}.");

    public static ProblemHttpResult NoSuchPhoto(long photoId) => NotFound($"There is no photo {photoId}.");

    /// <summary>507: the disk (or the database on it) is full; nothing of the photo was kept.</summary>
    public static ProblemHttpResult StorageFull(IReadOnlyList<object>? storedBefore = null) =>
        TypedResults.Problem(StorageFullDetail, statusCode: StatusCodes.Status507InsufficientStorage, title: StorageFullTitle,
            extensions: storedBefore is { Count: > 0 } ? new Dictionary<string, object?> { ["files"] = storedBefore } : null);

    public const string StorageFullTitle = "Server storage full";

    public const string StorageFullDetail =
        "The server has no room left to store photos, so this upload was not kept. Nothing was half-stored: " +
        "send it again once an administrator has freed space.";
}
