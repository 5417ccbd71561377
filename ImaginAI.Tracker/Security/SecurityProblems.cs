namespace ImaginAI.Tracker.Security;

/// <summary>Writes the plain-words application/problem+json answers of the security layer.</summary>
internal static class SecurityProblems
{
    /// <summary>API and hub requests get JSON problems; everything else is a page for a browser.</summary>
    public static bool WantsJson(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/hubs");

    public static Task WriteAsync(HttpContext context, int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(context);

    public static Task WriteSignInRequiredAsync(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status401Unauthorized, "Sign-in required",
            "Sign in first: send an API token as 'Authorization: Bearer <token>' (get one from POST /api/auth/token or your account page), or sign in in the browser.");

    public static Task WriteNotFoundAsync(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status404NotFound, "Not found",
            "There is no such project or photo, or you are not a member of its project.");

    public static Task WriteForbiddenAsync(HttpContext context, string? detail = null) =>
        WriteAsync(context, StatusCodes.Status403Forbidden, "Not allowed",
            detail ?? "Your role does not allow this. Ask a manager of the project or an admin.");

    /// <summary>A small page of its own, because a page-level refusal happens before any view could render.</summary>
    public static async Task WritePageAsync(HttpContext context, int status, string title, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        var encoder = System.Text.Encodings.Web.HtmlEncoder.Default;
        await context.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{encoder.Encode(title)} · ImaginAI Tracker</title><link rel="icon" href="/favicon.svg" type="image/svg+xml">
            <link rel="stylesheet" href="/css/site.css"></head>
            <body><a class="skip-link" href="#main">Skip to the content</a>
            <header class="topbar"><a class="brand" href="/"><img class="brand-mark" src="/favicon.svg" alt="" width="28" height="28">
            <span>ImaginAI <strong>Tracker</strong></span></a></header>
            <main class="page" id="main" tabindex="-1"><section class="card empty-state not-found"><p class="eyebrow">{status}</p>
            <h1>{encoder.Encode(title)}</h1><p>{encoder.Encode(message)}</p>
            <p><a class="button" href="/">Back to your projects</a></p></section></main></body></html>
            """);
    }
}
