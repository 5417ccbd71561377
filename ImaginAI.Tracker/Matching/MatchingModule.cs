using ImaginAI.Tracker.Scheduling;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Matching;

public static class MatchingModule
{
    public static IServiceCollection AddMatching(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MatchingOptions>().Bind(configuration.GetSection(MatchingOptions.Section))
            .Validate(o => o.DefaultThreshold is > 0 and <= 1, "Matching:DefaultThreshold must be above 0 and at most 1.")
            .Validate(o => o.IntervalSeconds >= 1, "Matching:IntervalSeconds must be at least 1.")
            .Validate(o => o.BatchSize >= 1, "Matching:BatchSize must be at least 1.")
            .Validate(o => o.MinMargin is >= 0 and < 1, "Matching:MinMargin must be at least 0 and below 1.")
            .Validate(o => o.CandidateFloor is >= 0 and < 1, "Matching:CandidateFloor must be at least 0 and below 1.")
            .Validate(o => o.MaxVerifiedCandidates is >= 0 and <= 20, "Matching:MaxVerifiedCandidates must be between 0 and 20.")
            .Validate(o => o.MaxAttempts is >= 1 and <= 100, "Matching:MaxAttempts must be between 1 and 100.")
            .Validate(o => o.RetryBackoffSeconds is > 0 and <= 86400, "Matching:RetryBackoffSeconds must be above 0 and at most 86400.")
            .ValidateOnStart();
        services.AddSingleton<MatchingRepository>();
        services.AddSingleton<VectorIndexRegistry>();
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
