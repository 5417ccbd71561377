using System.Text.Json;
using ImaginAI.Tracker.Photos;
using ImaginAI.Tracker.Scheduling;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Webhooks;

/// <summary>
/// Turns what happened to a photo into stored deliveries for the project's subscriptions, then wakes the sender.
/// Called after the change commits (and only when it did), so a job re-run after a crash never queues an event twice.
/// A failure here is logged, never thrown: it must not undo or stop the photo's processing.
/// </summary>
public sealed class WebhookPublisher(
    WebhookRepository repository, PhotoRepository photos, JobWaker waker, IOptions<WebhookOptions> options, TimeProvider clock,
    ILogger<WebhookPublisher> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>photo.matched or photo.needs_review, after the matching job decided the photo.</summary>
    public async Task PhotoDecidedAsync(long photoId)
    {
        if (await photos.GetByIdAsync(photoId) is not { } photo) return;
        var @event = photo.Status == PhotoStatus.Matched ? WebhookEvents.PhotoMatched : WebhookEvents.PhotoNeedsReview;
        await PublishAsync(@event, photo, $"{@event}:{photo.Id}:{photo.DecisionCount}");
    }

    public async Task MilestoneReachedAsync(long photoId)
    {
        if (await photos.GetByIdAsync(photoId) is not { } photo) return;
        await PublishAsync(WebhookEvents.MilestoneReached, photo, $"{WebhookEvents.MilestoneReached}:{photo.MilestoneId}:{photo.Id}");
    }

    public async Task PhotoFailedAsync(long photoId)
    {
        if (await photos.GetByIdAsync(photoId) is not { } photo) return;
        // A photo can fail again after a retry: each failure is its own event.
        await PublishAsync(WebhookEvents.PhotoFailed, photo, $"{WebhookEvents.PhotoFailed}:{photo.Id}:{Guid.NewGuid():N}");
    }

    private async Task PublishAsync(string @event, Photo photo, string eventKey)
    {
        try
        {
            var now = clock.GetUtcNow();
            var body = PhotoJson.From(photo);
            var stored = await repository.EnqueueAsync(photo.ProjectId, @event, eventKey,
                deliveryId => JsonSerializer.Serialize(new WebhookPayload(deliveryId, @event, now, photo.ProjectId, body), Json),
                now, now + TimeSpan.FromHours(options.Value.RetryForHours));
            if (stored > 0) await waker.WakeAsync(WebhookDeliveryJob.Key);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not queue webhook {Event} for photo {PhotoId}", @event, photo.Id);
        }
    }
}

/// <summary>The JSON body of every delivery.</summary>
public sealed record WebhookPayload(string Id, string Event, DateTimeOffset OccurredAt, long ProjectId, PhotoJson Photo);
