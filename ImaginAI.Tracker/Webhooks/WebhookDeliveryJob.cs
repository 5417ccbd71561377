using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Quartz;

namespace ImaginAI.Tracker.Webhooks;

/// <summary>
/// Sends due deliveries: signed, one attempt each, no redirects, a short timeout. The attempt is counted and the next
/// one scheduled before sending, so after a crash a delivery is retried, not lost; 2xx marks it delivered, anything
/// else keeps it pending with back-off until its day is over.
/// </summary>
[DisallowConcurrentExecution]
public sealed class WebhookDeliveryJob(
    WebhookRepository repository, IHttpClientFactory clients, IOptions<WebhookOptions> options, TimeProvider clock,
    IHostApplicationLifetime lifetime, ILogger<WebhookDeliveryJob> logger) : IJob
{
    public static readonly JobKey Key = new("webhooks");
    public const string SignatureHeader = "X-ImaginAI-Signature";
    public const string TimestampHeader = "X-ImaginAI-Timestamp";
    public const string DeliveryHeader = "X-ImaginAI-Delivery";
    public const string EventHeader = "X-ImaginAI-Event";
    private const int MaxResponseChars = 1024;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        var client = clients.CreateClient(WebhookNetwork.HttpClientName);
        while (!stopping.IsCancellationRequested)
        {
            var due = await repository.GetDueAsync(clock.GetUtcNow(), 20);
            if (due.Count == 0) return;
            foreach (var delivery in due)
            {
                var now = clock.GetUtcNow();
                var retryAt = now + settings.BackoffAfter(delivery.Attempts + 1);
                if (!await repository.StartAttemptAsync(delivery.Id, delivery.Attempts, now, retryAt)) continue;
                var (status, response, error) = await SendAsync(client, delivery, settings, stopping.Token);
                var delivered = status is >= 200 and < 300;
                var giveUp = !delivered && retryAt > delivery.GiveUpAt;
                await repository.RecordAttemptAsync(delivery.Id, status, response, error, delivered, giveUp, clock.GetUtcNow());
                if (!delivered)
                    logger.LogWarning("Webhook delivery {DeliveryId} ({Event}) to {Url} failed (attempt {Attempt}): {Status} {Error}{GivenUp}",
                        delivery.DeliveryId, delivery.Event, delivery.Url, delivery.Attempts + 1, status, error, giveUp ? "; given up" : "");
            }
        }
    }

    private async Task<(int? Status, string? Response, string? Error)> SendAsync(
        HttpClient client, DueDelivery delivery, WebhookOptions settings, CancellationToken cancellationToken)
    {
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(EventHeader, delivery.Event);
        request.Headers.Add(DeliveryHeader, delivery.DeliveryId);
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(SignatureHeader, "sha256=" + Sign(delivery.Secret, timestamp, delivery.Payload));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var body = await ReadStartAsync(response, timeout.Token);
            return ((int)response.StatusCode, body, null);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            return (null, null, e is OperationCanceledException ? $"No answer within {settings.TimeoutSeconds} s." : e.Message);
        }
    }

    /// <summary>
    /// The signature receivers check: HMAC-SHA256 with the subscription's secret over "{timestamp}.{body}", hex. Signing
    /// the timestamp with the body lets a receiver refuse an old delivery replayed with a fresh timestamp.
    /// </summary>
    public static string Sign(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    private static async Task<string> ReadStartAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var buffer = new char[MaxResponseChars];
        var read = await reader.ReadBlockAsync(buffer, cancellationToken);
        return new string(buffer, 0, read);
    }
}
