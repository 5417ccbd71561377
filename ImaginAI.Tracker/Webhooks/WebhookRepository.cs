using System.Data;
using Dapper;
using ImaginAI.Tracker.Data;

namespace ImaginAI.Tracker.Webhooks;

public sealed record WebhookSubscription
{
    public long Id { get; init; }
    public long ProjectId { get; init; }
    public string Url { get; init; } = "";
    public string Events { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public string? CreatedBy { get; init; }

    public IReadOnlyList<string> EventList => Events.Split(',', StringSplitOptions.RemoveEmptyEntries);
}

public sealed record WebhookDelivery
{
    public long Id { get; init; }
    public long SubscriptionId { get; init; }
    public string DeliveryId { get; init; } = "";
    public string Event { get; init; } = "";
    public string Payload { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public string Status { get; init; } = "";
    public int Attempts { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public DateTimeOffset GiveUpAt { get; init; }
    public DateTimeOffset? LastAttemptAt { get; init; }
    public int? LastStatusCode { get; init; }
    public string? LastResponse { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset? DeliveredAt { get; init; }
}

/// <summary>A delivery claimed for sending, with what signing and sending it needs.</summary>
public sealed record DueDelivery
{
    public long Id { get; init; }
    public string DeliveryId { get; init; } = "";
    public string Event { get; init; } = "";
    public string Payload { get; init; } = "";
    public int Attempts { get; init; }
    public DateTimeOffset GiveUpAt { get; init; }
    public string Url { get; init; } = "";
    public string Secret { get; init; } = "";
}

public sealed class WebhookRepository(TrackerDb db)
{
    public async Task<long> CreateSubscriptionAsync(long projectId, string url, IReadOnlyList<string> events, string secret, string? createdBy, DateTimeOffset now)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("""
            INSERT INTO webhook_subscriptions (project_id, url, events, secret, created_at, created_by)
            VALUES (@projectId, @url, @events, @secret, @now, @createdBy)
            RETURNING id
            """, new { projectId, url, events = string.Join(',', events), secret, now = TrackerDb.Utc(now), createdBy });
    }

    public async Task<IReadOnlyList<WebhookSubscription>> GetManyByProjectIdAsync(long projectId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<WebhookSubscription>("""
            SELECT id, project_id, url, events, created_at, created_by FROM webhook_subscriptions
            WHERE project_id = @projectId ORDER BY id
            """, new { projectId })).AsList();
    }

    public async Task<WebhookSubscription?> GetAsync(long projectId, long subscriptionId)
    {
        await using var connection = await db.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<WebhookSubscription>("""
            SELECT id, project_id, url, events, created_at, created_by FROM webhook_subscriptions
            WHERE id = @subscriptionId AND project_id = @projectId
            """, new { projectId, subscriptionId });
    }

    public async Task<bool> DeleteSubscriptionAsync(long projectId, long subscriptionId, IDbTransaction? transaction = null) =>
        await db.UseAsync(transaction, (connection, transaction) => connection.ExecuteAsync("""
            DELETE FROM webhook_subscriptions WHERE id = @subscriptionId AND project_id = @projectId
            """, new { projectId, subscriptionId }, transaction)) == 1;

    /// <summary>
    /// Stores one delivery per subscription of the project to the event, before anything is sent; an event already
    /// stored for a subscription (same key) is not stored again. Returns how many were stored.
    /// </summary>
    public async Task<int> EnqueueAsync(long projectId, string @event, string eventKey, Func<string, string> payloadFor,
        DateTimeOffset now, DateTimeOffset giveUpAt)
    {
        await using var connection = await db.OpenAsync();
        var subscriptions = await connection.QueryAsync<long>("""
            SELECT id FROM webhook_subscriptions
            WHERE project_id = @projectId AND (',' || events || ',') LIKE '%,' || @event || ',%'
            """, new { projectId, @event });
        var stored = 0;
        foreach (var subscriptionId in subscriptions)
        {
            var deliveryId = Guid.NewGuid().ToString("N");
            stored += await connection.ExecuteAsync("""
                INSERT INTO webhook_deliveries (subscription_id, delivery_id, event, event_key, payload, created_at, status,
                                                next_attempt_at, give_up_at)
                VALUES (@subscriptionId, @deliveryId, @event, @eventKey, @payload, @now, 'pending', @now, @giveUpAt)
                ON CONFLICT (subscription_id, event_key) DO NOTHING
                """, new { subscriptionId, deliveryId, @event, eventKey, payload = payloadFor(deliveryId), now = TrackerDb.Utc(now), giveUpAt = TrackerDb.Utc(giveUpAt) });
        }
        return stored;
    }

    public async Task<IReadOnlyList<DueDelivery>> GetDueAsync(DateTimeOffset now, int limit)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<DueDelivery>("""
            SELECT d.id, d.delivery_id, d.event, d.payload, d.attempts, d.give_up_at, s.url, s.secret
            FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
            WHERE d.status = 'pending' AND d.next_attempt_at <= @now
            ORDER BY d.next_attempt_at, d.id
            LIMIT @limit
            """, new { now = TrackerDb.Utc(now), limit })).AsList();
    }

    /// <summary>
    /// Counts the attempt and sets the next one before sending: a crash during the send leaves the delivery to be
    /// retried after the back-off, never lost.
    /// </summary>
    public async Task<bool> StartAttemptAsync(long id, int attemptsBefore, DateTimeOffset now, DateTimeOffset retryAt)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteAsync("""
            UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = @now, next_attempt_at = @retryAt
            WHERE id = @id AND status = 'pending' AND attempts = @attemptsBefore
            """, new { id, attemptsBefore, now = TrackerDb.Utc(now), retryAt = TrackerDb.Utc(retryAt) }) == 1;
    }

    /// <summary>Keeps the answer; delivered on 2xx, failed when the next attempt would come after the give-up time.</summary>
    public async Task RecordAttemptAsync(long id, int? statusCode, string? response, string? error, bool delivered, bool giveUp, DateTimeOffset now)
    {
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync("""
            UPDATE webhook_deliveries
            SET last_status_code = @statusCode, last_response = @response, last_error = @error,
                status = CASE WHEN @delivered THEN 'delivered' WHEN @giveUp THEN 'failed' ELSE 'pending' END,
                delivered_at = CASE WHEN @delivered THEN @now ELSE NULL END,
                next_attempt_at = CASE WHEN @delivered OR @giveUp THEN NULL ELSE next_attempt_at END
            WHERE id = @id
            """, new { id, statusCode, response, error, delivered, giveUp, now = TrackerDb.Utc(now) });
    }

    public async Task<IReadOnlyList<WebhookDelivery>> GetRecentAsync(long subscriptionId, int limit)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<WebhookDelivery>("""
            SELECT id, subscription_id, delivery_id, event, payload, created_at, status, attempts, next_attempt_at, give_up_at,
                   last_attempt_at, last_status_code, last_response, last_error, delivered_at
            FROM webhook_deliveries WHERE subscription_id = @subscriptionId
            ORDER BY id DESC LIMIT @limit
            """, new { subscriptionId, limit })).AsList();
    }

    /// <summary>Sends a delivery again (same id and body, so a receiver that has it can tell), with a new day of retries.</summary>
    public async Task<bool> RedeliverAsync(long subscriptionId, long deliveryId, DateTimeOffset now, DateTimeOffset giveUpAt)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteAsync("""
            UPDATE webhook_deliveries
            SET status = 'pending', attempts = 0, next_attempt_at = @now, give_up_at = @giveUpAt, delivered_at = NULL
            WHERE id = @deliveryId AND subscription_id = @subscriptionId
            """, new { subscriptionId, deliveryId, now = TrackerDb.Utc(now), giveUpAt = TrackerDb.Utc(giveUpAt) }) == 1;
    }
}
