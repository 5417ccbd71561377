using System.Globalization;
using System.Threading.RateLimiting;
using ImaginAI.Tracker.Accounts;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Security;

/// <summary>Password guessing is slowed per IP address, on top of the per-account lock-out.</summary>
public static class SignInRateLimit
{
    public const string Policy = "sign-in";

    internal static void Add(RateLimiterOptions options)
    {
        options.AddPolicy(Policy, context =>
        {
            var permits = context.RequestServices.GetRequiredService<IOptions<AccountOptions>>().Value.SignInAttemptsPerMinute;
            // Behind a reverse proxy this is the proxy's address unless forwarded headers are configured.
            var ip = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            return RateLimitPartition.GetFixedWindowLimiter(ip, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
        });
        options.OnRejected = async (rejected, cancellationToken) =>
        {
            var context = rejected.HttpContext;
            var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            const string message = "Too many sign-in attempts from your network. Wait a minute, then try again.";
            if (context.Request.Path.StartsWithSegments("/api"))
                await SecurityProblems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many attempts", message);
            else
                await SecurityProblems.WritePageAsync(context, StatusCodes.Status429TooManyRequests, "Too many attempts", message);
        };
    }
}
