using ImaginAI.Tracker.Scheduling;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Matching;

public static class MatchingModule
{
    public static IServiceCollection AddMatching(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MatchingOptions>().BindConfiguration(MatchingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MatchingRepository>();
        services.AddOptions<VectorIndexOptions>().Bind(configuration.GetSection(VectorIndexOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<VectorIndexRepository>();
        services.AddSingleton<VectorIndexRegistry>();
        services.AddHostedService<VectorIndexMaintenance>();
        services.AddSingleton<PhotoVerifier>();
        services.AddSingleton<CalibrationRepository>();
        services.AddSingleton<MatchingQueue>();
        services.AddRecurringJob<MatchingJob>(MatchingJob.Key,
            sp => TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<MatchingOptions>>().Value.IntervalSeconds));
        return services;
    }
}

/// <summary>Wakes the matching job when embeddings land, instead of waiting for its next tick.</summary>
public sealed class MatchingQueue(JobWaker waker)
{
    public Task WakeAsync() => waker.WakeAsync(MatchingJob.Key);
}
