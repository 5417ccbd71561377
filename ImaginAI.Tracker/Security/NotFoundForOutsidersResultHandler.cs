using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Authorization;

namespace ImaginAI.Tracker.Security;

/// <summary>
/// Answers 404 (not 403) to a signed-in user asking for a project or photo they may not see, so ids cannot be probed,
/// and gives API callers problem+json for every refusal.
/// </summary>
public sealed class NotFoundForOutsidersResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler defaultHandler = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden)
        {
            var reasons = authorizeResult.AuthorizationFailure?.FailureReasons ?? [];
            if (reasons.Any(r => r.Message == ProjectAccessHandler.NotFoundReason))
            {
                if (SecurityProblems.WantsJson(context)) await SecurityProblems.WriteNotFoundAsync(context);
                else if (HttpMethods.IsGet(context.Request.Method))
                    context.Response.StatusCode = StatusCodes.Status404NotFound; // the pages' own not-found page follows
                else await SecurityProblems.WritePageAsync(context, StatusCodes.Status404NotFound, "Not found",
                    "There is no such project or photo, or you are not a member of its project.");
                return;
            }
            var detail = reasons.Select(r => r.Message).FirstOrDefault(m => !string.IsNullOrEmpty(m));
            if (SecurityProblems.WantsJson(context))
            {
                await SecurityProblems.WriteForbiddenAsync(context, detail);
                return;
            }
            await SecurityProblems.WritePageAsync(context, StatusCodes.Status403Forbidden, "Not allowed",
                detail ?? "Your role does not allow this. Ask a manager of the project or an admin.");
            return;
        }
        await defaultHandler.HandleAsync(next, context, policy, authorizeResult);
    }
}
