using ImaginAI.Tracker.Data;
using Microsoft.AspNetCore.Diagnostics;

namespace ImaginAI.Tracker.Errors;

/// <summary>Every error leaves as application/problem+json in plain words; stack traces stay in the log.</summary>
public static class ErrorsModule
{
    public static IServiceCollection AddTrackerErrors(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        // Malformed request bodies reach the handler below instead of ending as an empty 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    public static WebApplication UseTrackerErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    private sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            var (status, title, detail) = exception switch
            {
                BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                    (StatusCodes.Status413PayloadTooLarge, "Upload too large", "The upload is larger than the server accepts in one request. Send fewer or smaller photos at a time."),
                // FormOptions' and MultipartReader's limits (field count, part header size) are worded "... limit N exceeded".
                InvalidDataException e when e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) =>
                    (StatusCodes.Status400BadRequest, "Form too large",
                        "The form has more fields, or longer part headers, than the server accepts. Send only the photo and the fields the page offers."),
                // MultipartReader's answer to a body that is not a complete multipart form (cut off, bad boundary).
                InvalidDataException =>
                    (StatusCodes.Status400BadRequest, "Upload incomplete", "The upload could not be read to its end: it is not a complete multipart form. Please send it again."),
                BadHttpRequestException bad =>
                    (bad.StatusCode, "Bad request", $"The request could not be read: {bad.Message}"),
                _ when StorageErrors.IsDiskFull(exception) =>
                    (StatusCodes.Status507InsufficientStorage, Problems.StorageFullTitle, Problems.StorageFullDetail),
                _ when StorageErrors.IsDatabaseUnavailable(exception) =>
                    (StatusCodes.Status503ServiceUnavailable, "Database unavailable",
                     "The server cannot reach its database right now. Nothing was saved; please try again in a minute."),
                _ when StorageErrors.IsDatabaseBusy(exception) =>
                    (StatusCodes.Status503ServiceUnavailable, "Server busy",
                     "The server is too busy to save this right now. Nothing was changed; please try again in a few seconds."),
                _ => (StatusCodes.Status500InternalServerError, "Server error",
                    "Something went wrong on the server. The problem was logged; please try again in a moment."),
            };
            if (status >= 500) logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            else logger.LogInformation("Refused {Method} {Path}: {Reason}", context.Request.Method, context.Request.Path, exception.Message);
            context.Response.StatusCode = status;
            if (status == StatusCodes.Status503ServiceUnavailable) context.Response.Headers.RetryAfter = "2";
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                Exception = null,
                ProblemDetails = { Status = status, Title = title, Detail = detail },
            });
        }
    }
}
