namespace ImaginAI.Tracker.Errors;

/// <summary>application/problem+json answers with a short title and a detail in plain words.</summary>
public static class Problems
{
    public static IResult BadRequest(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: title);

    public static IResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static IResult NoSuchProject(long projectId) => NotFound($"There is no project {projectId}.");

    public static IResult NoSuchPhoto(long photoId) => NotFound($"There is no photo {photoId}.");
}
