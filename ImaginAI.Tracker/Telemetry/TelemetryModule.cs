using ImaginAI.Tracker.Accounts;
using ImaginAI.Tracker.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace ImaginAI.Tracker.Telemetry;

/// <summary>The "Metrics" configuration section.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Serves the Prometheus scrape endpoint at /metrics.</summary>
    public bool Enabled { get; set; }

    /// <summary>Lets a scraper without credentials read /metrics; otherwise it needs an admin's API token.</summary>
    public bool AllowAnonymous { get; set; }
}

/// <summary>Structured photo logs and metrics through OpenTelemetry, scraped by Prometheus at /metrics when enabled.</summary>
public static class TelemetryModule
{
    // ASP.NET Core's own meters: request durations per route (search latency is POST /api/search's) and SignalR connections.
    private static readonly string[] FrameworkMeters = ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Http.Connections"];

    public static IServiceCollection AddTrackerTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TrackerMeter>();
        services.AddSingleton<PhotoTelemetry>();
        if (configuration.GetValue<bool>($"{MetricsOptions.Section}:{nameof(MetricsOptions.Enabled)}"))
            services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddMeter(TrackerMeter.Name)
                .AddMeter(FrameworkMeters)
                .AddPrometheusExporter());
        return services;
    }

    public static WebApplication MapTrackerMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!options.Enabled) return app;
        // The observable gauges are registered when the meter is first created.
        app.Services.GetRequiredService<TrackerMeter>();
        var endpoint = app.MapPrometheusScrapingEndpoint("/metrics");
        // A scraper is a program: it sends an admin's API token and gets 401, not the sign-in page, without one.
        if (options.AllowAnonymous) endpoint.AllowAnonymous();
        else endpoint.RequireAuthorization(new AuthorizationPolicyBuilder(AuthSchemes.Bearer).RequireRole(Roles.Admin).Build());
        return app;
    }
}
