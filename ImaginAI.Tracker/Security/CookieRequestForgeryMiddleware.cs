using Microsoft.AspNetCore.Antiforgery;

namespace ImaginAI.Tracker.Security;

/// <summary>
/// A browser sends its sign-in cookie with every request, even one another site makes it send. So an API call that
/// changes something and rides on the cookie must carry the antiforgery token (header X-CSRF-TOKEN, which pages put
/// in a meta tag), and a hub connection must come from our own origin. Bearer-token calls carry no ambient
/// credential and are left alone; form posts are checked by MVC's antiforgery filter.
/// </summary>
internal sealed class CookieRequestForgeryMiddleware(RequestDelegate next, IAntiforgery antiforgery)
{
    public const string HeaderName = "X-CSRF-TOKEN";

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var cookieAuthenticated = context.User.Identity?.IsAuthenticated == true && !ApiTokenAuthenticationHandler.HasToken(context);
        if (cookieAuthenticated && request.Path.StartsWithSegments("/hubs") && !IsSameOrigin(request))
        {
            await SecurityProblems.WriteForbiddenAsync(context, "Live updates only work from the tracker's own pages.");
            return;
        }
        if (cookieAuthenticated && request.Path.StartsWithSegments("/api") && !HttpMethods.IsGet(request.Method)
            && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method))
        {
            // Checked before ValidateRequestAsync, which would otherwise read a whole multipart upload looking for a form field.
            var valid = request.Headers.ContainsKey(HeaderName);
            if (valid)
            {
                try { await antiforgery.ValidateRequestAsync(context); }
                catch (AntiforgeryValidationException) { valid = false; }
            }
            if (!valid)
            {
                await SecurityProblems.WriteAsync(context, StatusCodes.Status400BadRequest, "Page out of date",
                    "This request lacks the page's security token. Reload the page and try again.");
                return;
            }
        }
        await next(context);
    }

    private static bool IsSameOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return true; // not a browser, or a same-origin GET: nothing a foreign page can forge
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
