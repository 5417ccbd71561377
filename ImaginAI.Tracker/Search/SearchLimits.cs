using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Search;

/// <summary>The "Search" configuration section.</summary>
public sealed class SearchOptions
{
    public const string Section = "Search";

    /// <summary>Searches run at once (each decodes a photo, runs the model and verifies keypoints: about a core each).</summary>
    [Range(1, 64)]
    public int MaxConcurrent { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Searches that wait for a turn, their bodies unread; beyond that a search gets 429 with Retry-After.</summary>
    [Range(0, 1000)]
    public int QueueLimit { get; set; } = 8;

    /// <summary>What Retry-After tells a refused caller.</summary>
    [Range(1, 600)]
    public int RetryAfterSeconds { get; set; } = 5;
}

/// <summary>
/// Searches share one concurrency limiter: a queue first, then 429. It runs before the body is read, so a waiting
/// search holds no photo in memory.
/// </summary>
public sealed class SearchConcurrencyPolicy(IOptions<SearchOptions> options) : IRateLimiterPolicy<string>
{
    public const string Name = "search";

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.GetConcurrencyLimiter(Name, _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = options.Value.MaxConcurrent,
            QueueLimit = options.Value.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => async (rejected, _) =>
    {
        var context = rejected.HttpContext;
        context.Response.Headers.RetryAfter = options.Value.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Search is busy",
                detail: $"The server is answering other searches. Please try again in {options.Value.RetryAfterSeconds} seconds.")
            .ExecuteAsync(context);
    };
}

public static class SearchModule
{
    public static IServiceCollection AddSearch(this IServiceCollection services)
    {
        services.AddOptions<SearchOptions>().BindConfiguration(SearchOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(limits => limits.AddPolicy<string, SearchConcurrencyPolicy>(SearchConcurrencyPolicy.Name));
        return services;
    }
}
