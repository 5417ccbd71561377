using ImaginAI.Vision;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Vision;

/// <summary>
/// Loads the configured model on first use, once. Start-up never waits for it nor fails because of it: a model
/// that cannot load leaves photos pending and /health says why, until an admin fixes it and restarts.
/// </summary>
public sealed class FeatureExtractorProvider(IOptions<VisionOptions> options, ILogger<FeatureExtractorProvider> logger) : IDisposable
{
    private readonly Lazy<IFeatureExtractor> extractor = new(() => Load(options.Value, logger), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The loaded extractor; throws <see cref="ModelUnavailableException"/> when the model cannot load.</summary>
    public IFeatureExtractor Get() => extractor.Value;

    public bool TryGet(out IFeatureExtractor? loaded, out string? error)
    {
        try
        {
            loaded = extractor.Value;
            error = null;
            return true;
        }
        catch (Exception e)
        {
            loaded = null;
            error = e.Message;
            return false;
        }
    }

    private static IFeatureExtractor Load(VisionOptions options, ILogger logger)
    {
        try
        {
            var loaded = VisionEngine.Create(options);
            logger.LogInformation("Vision model {ModelId} ({Dims}-d) on {Backend}", loaded.Model.Id, loaded.Model.Dims, loaded.Model.Backend);
            return loaded;
        }
        catch (Exception e)
        {
            logger.LogError("The vision model '{Model}' cannot be used: {Reason}", options.Model, e.Message);
            if (e is ModelUnavailableException) throw;
            throw new ModelUnavailableException($"The vision model '{options.Model}' could not be loaded: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        if (extractor.IsValueCreated) extractor.Value.Dispose();
    }
}
