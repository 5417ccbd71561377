using ImaginAI.Tracker.Cluster;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Matching;

/// <summary>
/// Keeps every loaded index current: changes applied each <see cref="VectorIndexOptions.PollMilliseconds"/>,
/// partitions built when due, the file saved when due and at shutdown. All of it off the request path. (The index of
/// the configured model is loaded when the matching job first runs after start-up, or by the first search; loading
/// the model here as well made start-up compete with the first requests.) Another node's news of committed vectors
/// makes it apply the change log at once.
/// </summary>
public sealed class VectorIndexMaintenance(
    VectorIndexRegistry registry, IOptions<VectorIndexOptions> options, ClusterBus cluster, TimeProvider clock,
    ILogger<VectorIndexMaintenance> logger) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        cluster.Subscribe(ClusterChannels.EmbeddingsChanged, registry.CatchUpNowAsync);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
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
