using System.Data;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Webhooks;

public sealed record WebhookJson(long Id, long ProjectId, string Url, IReadOnlyList<string> Events, DateTimeOffset CreatedAt, string? CreatedBy)
{
    public static WebhookJson From(WebhookSubscription s) => new(s.Id, s.ProjectId, s.Url, s.EventList, s.CreatedAt, s.CreatedBy);
}

/// <summary>A new subscription with its signing secret: the only time the secret is shown.</summary>
public sealed record CreatedWebhookJson(long Id, long ProjectId, string Url, IReadOnlyList<string> Events, string Secret);

public sealed record WebhookDeliveryJson(
    long Id, string DeliveryId, string Event, string Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? LastAttemptAt,
    int? LastStatusCode, string? LastResponse, string? LastError, DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt)
{
    public static WebhookDeliveryJson From(WebhookDelivery d) => new(
        d.Id, d.DeliveryId, d.Event, d.Status, d.Attempts, d.CreatedAt, d.LastAttemptAt, d.LastStatusCode, d.LastResponse, d.LastError,
        d.NextAttemptAt, d.DeliveredAt);
}

public sealed record CreateWebhookRequest(string? Url, IReadOnlyList<string>? Events);

/// <summary>A project's subscriptions, shared by the webhooks API and page.</summary>
public sealed class WebhookService(
    WebhookRepository repository, WebhookNetwork network, Scheduling.JobWaker waker, IOptions<WebhookOptions> options, TimeProvider clock)
{
    public const int RecentDeliveries = 50;

    /// <summary>The new subscription and its secret, or why it is refused.</summary>
    public async Task<(CreatedWebhookJson? Created, string? Error)> CreateAsync(long projectId, CreateWebhookRequest request, string? by, CancellationToken cancellationToken)
    {
        var events = (request.Events ?? []).Select(e => e.Trim()).Where(e => e.Length > 0).Distinct().ToList();
        if (events.Count == 0) return (null, $"Choose at least one event: {string.Join(", ", WebhookEvents.All)}.");
        if (events.FirstOrDefault(e => !WebhookEvents.All.Contains(e)) is { } unknown)
            return (null, $"There is no event \"{unknown}\": choose among {string.Join(", ", WebhookEvents.All)}.");
        if (await network.CheckUrlAsync(request.Url, cancellationToken) is { } refusal) return (null, refusal);
        var url = request.Url!.Trim();
        var secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var id = await repository.CreateSubscriptionAsync(projectId, url, events, secret, by, clock.GetUtcNow());
        return (new CreatedWebhookJson(id, projectId, url, events, secret), null);
    }

    public async Task<IReadOnlyList<WebhookJson>> GetManyAsync(long projectId) =>
        (await repository.GetManyByProjectIdAsync(projectId)).Select(WebhookJson.From).ToList();

    public Task<bool> DeleteAsync(long projectId, long webhookId, IDbTransaction? transaction = null) =>
        repository.DeleteSubscriptionAsync(projectId, webhookId, transaction);

    /// <summary>The subscription's recent deliveries, newest first; null when the project has no such subscription.</summary>
    public async Task<IReadOnlyList<WebhookDeliveryJson>?> GetDeliveriesAsync(long projectId, long webhookId, int limit = RecentDeliveries) =>
        await repository.GetAsync(projectId, webhookId) is null
            ? null
            : (await repository.GetRecentAsync(webhookId, limit)).Select(WebhookDeliveryJson.From).ToList();

    public async Task<bool> RedeliverAsync(long projectId, long webhookId, long deliveryId)
    {
        if (await repository.GetAsync(projectId, webhookId) is null) return false;
        var now = clock.GetUtcNow();
        if (!await repository.RedeliverAsync(webhookId, deliveryId, now, now + TimeSpan.FromHours(options.Value.RetryForHours))) return false;
        await waker.WakeAsync(WebhookDeliveryJob.Key);
        return true;
    }
}
