using StackExchange.Redis;

namespace ImaginAI.Tracker.Cluster;

/// <summary>
/// The messages between nodes over Redis pub/sub, on the same connection as the SignalR backplane, so "live" means one
/// thing: while Redis is away neither timeline events nor these messages travel, and <see cref="ClusterBus.IsLive"/>
/// says so at once instead of letting each send wait out its timeout.
/// </summary>
public sealed class RedisClusterBus : ClusterBus, IHostedService
{
    private readonly RedisConnection redis;
    private readonly ILogger<RedisClusterBus> logger;
    private readonly Lock gate = new();
    private bool wasLive = true;

    public RedisClusterBus(RedisConnection redis, ILogger<RedisClusterBus> logger)
    {
        this.redis = redis;
        this.logger = logger;
    }

    public override bool IsLive => redis.Multiplexer.IsConnected;

    public override bool SpansNodes => true;

    public override async Task PublishAsync(string channel, string message)
    {
        if (IsLive)
        {
            try
            {
                await redis.Multiplexer.GetSubscriber().PublishAsync(redis.Channel(channel), message);
                return; // Redis delivers it to this node's subscription as well.
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                logger.LogWarning(e, "Could not tell the other nodes {Channel} {Message}; they catch up on their own timers", channel, message);
            }
        }
        await DeliverAsync(channel, message, logger);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var multiplexer = redis.Multiplexer;
        // Raised per connection (interactive and subscription) and per attempt: "live" follows whether any answers.
        multiplexer.ConnectionFailed += (_, e) => Track(e.FailureType.ToString());
        multiplexer.ConnectionRestored += (_, e) => Track(null);
        // The client keeps the subscription and renews it after every reconnection, so it is not awaited: a node
        // started while Redis is away subscribes once it is back.
        _ = SubscribeAsync(multiplexer);
        return Task.CompletedTask;
    }

    private async Task SubscribeAsync(ConnectionMultiplexer multiplexer)
    {
        try
        {
            // The handler is registered before Redis is asked, so it stays even when this first request fails.
            await multiplexer.GetSubscriber().SubscribeAsync(redis.AllChannels, (channel, message) =>
            {
                if (redis.NameOf(channel) is { } name) _ = DeliverAsync(name, message.ToString(), logger);
            });
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning(e, "Could not subscribe to the other nodes' messages yet; Redis renews the subscription when it is back");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Track(string? failure)
    {
        var live = redis.Multiplexer.IsConnected;
        lock (gate)
        {
            if (live == wasLive) return;
            wasLive = live;
        }
        if (live)
            logger.LogInformation("Redis is reachable again: live timeline events resume");
        else
            logger.LogWarning("Redis is unreachable ({Failure}): live timeline events stop until it is back; uploads and processing go on", failure);
        RaiseLiveChanged(live);
    }
}
