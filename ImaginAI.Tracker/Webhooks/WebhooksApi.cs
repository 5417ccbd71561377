using System.Security.Claims;
using ImaginAI.Tracker.Errors;
using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Scheduling;
using ImaginAI.Tracker.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Webhooks;

/// <summary>A project's webhooks, for its managers: subscribe, list, remove, see recent deliveries, redeliver one.</summary>
public static class WebhooksApi
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WebhookRepository>();
        services.AddSingleton<WebhookNetwork>();
        services.AddSingleton<WebhookPublisher>();
        services.AddScoped<WebhookService>();
        services.AddHttpClient(WebhookNetwork.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<WebhookNetwork>().CreateHandler())
            .ConfigureHttpClient(client => client.DefaultRequestHeaders.UserAgent.ParseAdd("ImaginAI-Tracker-Webhooks/1"));
        services.AddRecurringJob<WebhookDeliveryJob>(WebhookDeliveryJob.Key,
            sp => TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<WebhookOptions>>().Value.IntervalSeconds));
        return services;
    }

    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var hooks = app.MapGroup("/api/projects/{projectId:long}/webhooks").RequireAuthorization(Policies.ProjectManager);
        hooks.MapGet("", GetManyAsync).ProducesProblem(StatusCodes.Status404NotFound);
        hooks.MapPost("", CreateAsync).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        hooks.MapDelete("/{webhookId:long}", DeleteAsync).ProducesProblem(StatusCodes.Status404NotFound);
        hooks.MapGet("/{webhookId:long}/deliveries", GetDeliveriesAsync).ProducesProblem(StatusCodes.Status404NotFound);
        hooks.MapPost("/{webhookId:long}/deliveries/{deliveryId:long}/redeliver", RedeliverAsync).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<WebhookJson>>, ProblemHttpResult>> GetManyAsync(
        long projectId, ProjectRepository projects, WebhookService webhooks) =>
        await projects.ExistsAsync(projectId) ? TypedResults.Ok(await webhooks.GetManyAsync(projectId)) : Problems.NoSuchProject(projectId);

    private static async Task<Results<Created<CreatedWebhookJson>, ProblemHttpResult>> CreateAsync(
        long projectId, CreateWebhookRequest request, ClaimsPrincipal user, ProjectRepository projects, WebhookService webhooks,
        CancellationToken cancellationToken)
    {
        if (!await projects.ExistsAsync(projectId)) return Problems.NoSuchProject(projectId);
        var (created, error) = await webhooks.CreateAsync(projectId, request, user.Identity?.Name, cancellationToken);
        return created is null
            ? TypedResults.Problem(error, statusCode: StatusCodes.Status400BadRequest, title: "Webhook not accepted")
            : TypedResults.Created($"/api/projects/{projectId}/webhooks/{created.Id}", created);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(long projectId, long webhookId, WebhookService webhooks, AuditLog audit) =>
        await audit.RecordRequestAsync(AuditActions.Deleted, projectId, transaction => webhooks.DeleteAsync(projectId, webhookId, transaction), deleted => deleted)
            ? TypedResults.NoContent() : NoSuchWebhook(webhookId);

    private static async Task<Results<Ok<IReadOnlyList<WebhookDeliveryJson>>, ProblemHttpResult>> GetDeliveriesAsync(
        long projectId, long webhookId, WebhookService webhooks) =>
        await webhooks.GetDeliveriesAsync(projectId, webhookId) is { } deliveries ? TypedResults.Ok(deliveries) : NoSuchWebhook(webhookId);

    private static async Task<Results<Accepted, ProblemHttpResult>> RedeliverAsync(long projectId, long webhookId, long deliveryId, WebhookService webhooks) =>
        await webhooks.RedeliverAsync(projectId, webhookId, deliveryId)
            ? TypedResults.Accepted($"/api/projects/{projectId}/webhooks/{webhookId}/deliveries")
            : Problems.NotFound($"Webhook {webhookId} of this project has no delivery {deliveryId}.");

    private static ProblemHttpResult NoSuchWebhook(long webhookId) => Problems.NotFound($"This project has no webhook {webhookId}.");
}
