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
}
