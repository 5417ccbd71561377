using ImaginAI.Tracker.Scheduling;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Embedding;

public static class EmbeddingModule
{
    public static IServiceCollection AddEmbedding(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmbeddingOptions>().Bind(configuration.GetSection(EmbeddingOptions.Section))
            .Validate(o => o.MaxAttempts >= 1, "Embedding:MaxAttempts must be at least 1.")
            .Validate(o => o.BatchSize >= 1, "Embedding:BatchSize must be at least 1.")
            .Validate(o => o.IntervalSeconds >= 1, "Embedding:IntervalSeconds must be at least 1.")
            .Validate(o => o.RetryBackoffSeconds >= 0, "Embedding:RetryBackoffSeconds cannot be negative.")
            .ValidateOnStart();
        services.AddSingleton<EmbeddingRepository>();
        services.AddSingleton<EmbeddingQueue>();
        services.AddSingleton<ReembeddingFailures>();
        services.AddRecurringJob<EmbeddingJob>(EmbeddingJob.Key,
            sp => TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value.IntervalSeconds));
        return services;
    }
}

/// <summary>Wakes the embedding job when photos arrive, instead of waiting for its next tick.</summary>
public sealed class EmbeddingQueue(JobWaker waker)
{
    public Task WakeAsync() => waker.WakeAsync(EmbeddingJob.Key);
}
