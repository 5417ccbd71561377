using ImaginAI.Tracker.Vision;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Matching;

/// <summary>
/// Loads the configured model's index right after start-up, then keeps every loaded index current: changes applied
/// each <see cref="VectorIndexOptions.PollMilliseconds"/>, partitions built when due, the file saved when due and at
/// shutdown. All of it off the request path.
/// </summary>
public sealed class VectorIndexMaintenance(
    VectorIndexRegistry registry, FeatureExtractorProvider vision, IOptions<VectorIndexOptions> options, TimeProvider clock,
    ILogger<VectorIndexMaintenance> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (vision.TryGet(out var extractor, out _))
            await registry.EnsureLoadedAsync(extractor!.Model.Id, extractor.Model.Dims);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.PollMilliseconds), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await registry.MaintainAsync(clock.GetUtcNow());
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Keeping the similarity index current failed; retrying at the next poll");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await registry.SaveAllAsync(clock.GetUtcNow());
    }
}
