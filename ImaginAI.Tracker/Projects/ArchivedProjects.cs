using ImaginAI.Tracker.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImaginAI.Tracker.Projects;

/// <summary>
/// Keeps an archived project read-only: every change to it (a request other than GET or HEAD naming its project or
/// one of its photos in the route) gets 409 in plain words. Unarchiving is the one change left open.
/// </summary>
public static class ArchivedProjects
{
    public static TBuilder RefuseChangesWhenArchived<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        // The contract says so wherever the filter can refuse: changes that name a project or a photo.
        builder.Add(endpoint =>
        {
            if (endpoint is not RouteEndpointBuilder route) return;
            var methods = endpoint.Metadata.OfType<IHttpMethodMetadata>().SelectMany(m => m.HttpMethods).ToList();
            if (methods.Count == 0 || methods.All(m => HttpMethods.IsGet(m) || HttpMethods.IsHead(m))) return;
            if (route.RoutePattern.GetParameter("projectId") is null && route.RoutePattern.GetParameter("photoId") is null) return;
            endpoint.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status409Conflict, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails),
                ["application/problem+json"]));
        });
        return builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)) return await next(context);
            var projectId = RouteId(http, "projectId");
            if (projectId is null && RouteId(http, "photoId") is { } photoId)
                projectId = await http.RequestServices.GetRequiredService<MembershipRepository>().GetProjectIdOfPhotoAsync(photoId);
            if (projectId is { } id && await http.RequestServices.GetRequiredService<ProjectRepository>().IsArchivedAsync(id))
                return Refusal();
            return await next(context);
        });
    }

    public static ProblemHttpResult Refusal() => TypedResults.Problem(
        "This project is archived, so it is read-only. A manager of the project can unarchive it to make changes again.",
        statusCode: StatusCodes.Status409Conflict, title: "Project archived");

    private static long? RouteId(HttpContext http, string name) =>
        long.TryParse(http.GetRouteValue(name)?.ToString(), out var id) ? id : null;
}
