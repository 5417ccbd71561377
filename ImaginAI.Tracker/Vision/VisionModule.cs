using ImaginAI.Vision;

namespace ImaginAI.Tracker.Vision;

public static class VisionModule
{
    public static IServiceCollection AddVision(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<VisionOptions>().BindConfiguration("Vision").ValidateDataAnnotations().ValidateOnStart();
        // The single, lazily loaded IFeatureExtractor of the app (see FeatureExtractorProvider for why lazily).
        services.AddSingleton<FeatureExtractorProvider>();
        return services;
    }
}
