namespace ImaginAI.Tracker.Security;

/// <summary>Security headers on every response, static files and errors included.</summary>
internal sealed class SecurityHeadersStartupFilter : IStartupFilter
{
    // No inline script anywhere: every script is a file under /js or /lib. Pictures may be blob:/data: previews.
    internal const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            // OnStarting: an exception handler clears the headers of a failed response before writing its own.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                // An endpoint may have set a stricter policy of its own (photo files are sandboxed).
                if (!headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.ContentSecurityPolicy))
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Permissions-Policy"] = "geolocation=(), microphone=(), payment=()";
                return Task.CompletedTask;
            });
            await nextMiddleware(context);
        });
        next(app);
    };
}
