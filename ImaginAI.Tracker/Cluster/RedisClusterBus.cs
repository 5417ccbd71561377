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
        multiplexer.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType != ConnectionType.Subscription) return;
            logger.LogWarning("Redis is unreachable ({FailureType}): live timeline events stop until it is back; uploads and processing go on", e.FailureType);
            RaiseLiveChanged(false);
        };
        multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType != ConnectionType.Subscription) return;
            logger.LogInformation("Redis is reachable again: live timeline events resume");
            RaiseLiveChanged(true);
        };
        // The client keeps the subscription and renews it after every reconnection, so it is not awaited: a node
        // started while Redis is away subscribes once it is back.
        _ = SubscribeAsync(multiplexer);
        return Task.CompletedTask;
    }

    private async Task SubscribeAsync(ConnectionMultiplexer multiplexer)
    {
        try
        {
            var queue = await multiplexer.GetSubscriber().SubscribeAsync(redis.AllChannels);
            queue.OnMessage(async message =>
            {
                if (redis.NameOf(message.Channel) is { } channel) await DeliverAsync(channel, message.Message.ToString(), logger);
            });
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning(e, "Could not subscribe to the other nodes' messages yet; Redis renews the subscription when it is back");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
