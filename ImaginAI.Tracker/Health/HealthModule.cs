using ImaginAI.Tracker.Accounts;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImaginAI.Tracker.Health;

/// <summary>
/// ASP.NET Core health checks: the database (SQLite or PostgreSQL, whichever Database:Provider names), the model, the
/// scheduler, keypoint verification, the data disk, the queue, and Redis when its connection string is configured.
/// <list type="bullet">
/// <item><c>/health/live</c>: the process answers (no check runs), for a liveness probe.</item>
/// <item><c>/health/ready</c>: what requests need (database, scheduler, disk), for a readiness probe.</item>
/// <item><c>/health</c>: every check.</item>
/// </list>
/// All three answer 503 when unhealthy, 200 otherwise (degraded included). Anyone may ask; only admins get details.
/// </summary>
public static class HealthModule
{
    private const string Ready = "ready";

    public static IServiceCollection AddTrackerHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var checks = services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", HealthStatus.Unhealthy, [Ready])
            .AddCheck<ModelHealthCheck>("model", HealthStatus.Degraded)
            .AddCheck<SchedulerHealthCheck>("scheduler", HealthStatus.Unhealthy, [Ready])
            .AddCheck<VerifierHealthCheck>("verifier", HealthStatus.Degraded)
            .AddCheck<DiskHealthCheck>("disk", HealthStatus.Unhealthy, [Ready])
            .AddCheck<QueueHealthCheck>("queue", HealthStatus.Degraded);
        // PostgreSQL, when it holds the data, is the "database" check itself: a second check of the same server would
        // report one outage twice. Redis is checked only where it is configured, so nothing is reported for a service
        // not in use. Without Redis a node still takes uploads and processes them; only live events stop (docs/SCALING.md). So an
        // unreachable Redis degrades the node rather than taking it out of the load balancer.
        if (configuration.GetConnectionString("Redis") is { Length: > 0 } redis)
            checks.AddRedis(redis, name: "redis", failureStatus: HealthStatus.Degraded, timeout: TimeSpan.FromSeconds(5));
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        // Uptime probes carry no credentials: they get up or down; an admin's request gets every check.
        Map(app, "/health", _ => true);
        Map(app, "/health/live", _ => false);
        Map(app, "/health/ready", c => c.Tags.Contains(Ready));
        return app;
    }

    private static void Map(IEndpointRouteBuilder app, string path, Func<HealthCheckRegistration, bool> predicate)
    {
        app.MapHealthChecks(path, new HealthCheckOptions { Predicate = predicate, ResponseWriter = WriteAsync })
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get]))
            .AllowAnonymous();
    }

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        if (!http.User.IsInRole(Roles.Admin))
        {
            // Nobody can sign in while the database is away, so the probe itself says why the node is down.
            if (report.Entries.TryGetValue("database", out var db) && db.Status == HealthStatus.Unhealthy)
                return http.Response.WriteAsJsonAsync(new { status = "down", reason = "The database cannot be reached." });
            return http.Response.WriteAsJsonAsync(new { status = report.Status == HealthStatus.Unhealthy ? "down" : "up" });
        }

        var entries = report.Entries;
        object? Data(string check, string key) => entries.TryGetValue(check, out var e) && e.Data.TryGetValue(key, out var v) ? v : null;
        return http.Response.WriteAsJsonAsync(new
        {
            status = Word(report.Status),
            database = entries.TryGetValue("database", out var database)
                ? new { ok = database.Status == HealthStatus.Healthy, error = database.Status == HealthStatus.Healthy ? null : database.Description }
                : null,
            model = entries.TryGetValue("model", out var model)
                ? model.Status == HealthStatus.Healthy ? model.Data : new Dictionary<string, object> { ["error"] = model.Description ?? "" }
                : null,
            // Keypoint verification needs OpenCV's native library (libgtk-3-0); without it decisions use CNN scores only.
            verification = entries.ContainsKey("verifier")
                ? new { available = Data("verifier", "available") is true, reason = Matching.PhotoVerifier.UnavailableReason }
                : null,
            photos = Data("database", "photos"),
            checks = entries.ToDictionary(e => e.Key, e => new
            {
                status = Word(e.Value.Status),
                description = e.Value.Description,
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                data = e.Value.Data.Count == 0 ? null : e.Value.Data,
            }),
        });
    }

    private static string Word(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "ok",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
