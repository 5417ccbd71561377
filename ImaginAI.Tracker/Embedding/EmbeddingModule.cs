using ImaginAI.Tracker.Scheduling;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Embedding;

public static class EmbeddingModule
{
    public static IServiceCollection AddEmbedding(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmbeddingOptions>().BindConfiguration(EmbeddingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
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
