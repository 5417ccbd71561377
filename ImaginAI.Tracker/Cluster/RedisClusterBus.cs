using StackExchange.Redis;

namespace ImaginAI.Tracker.Cluster;

/// <summary>
/// The messages between nodes over Redis pub/sub, on the same connection as the SignalR backplane, so "live" means one
/// thing: while Redis is away neither timeline events nor these messages travel, and <see cref="ClusterBus.IsLive"/>
/// says so at once instead of letting each send wait out its timeout.
/// </summary>
public sealed class RedisClusterBus : ClusterBus, IHostedService
{
    /// <summary>A message this node sends itself after Redis comes back, to see that its subscriptions are renewed.</summary>
    private const string LiveProbe = "live-probe";

    private readonly RedisConnection redis;
    private readonly ILogger<RedisClusterBus> logger;
    private readonly Lock gate = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> probes = new(StringComparer.Ordinal);
    private volatile bool live = true;
    private bool confirming;

    public RedisClusterBus(RedisConnection redis, ILogger<RedisClusterBus> logger)
    {
        this.redis = redis;
        this.logger = logger;
        Subscribe(LiveProbe, token =>
        {
            if (probes.TryGetValue(token, out var heard)) heard.TrySetResult();
            return Task.CompletedTask;
        });
    }

    // Connected is not enough after an outage: the client renews the subscriptions (this bus's and the SignalR
    // backplane's groups) only after it reconnects, and an event published before that is lost. Live again means a
    // message of this node's own came back through Redis.
    public override bool IsLive => live && redis.Multiplexer.IsConnected;

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
        if (!redis.Multiplexer.IsConnected)
        {
            lock (gate)
            {
                if (!live) return;
                live = false;
            }
            logger.LogWarning("Redis is unreachable ({Failure}): live timeline events stop until it is back; uploads and processing go on", failure);
            RaiseLiveChanged(false);
            return;
        }
        lock (gate)
        {
            if (live || confirming) return;
            confirming = true;
        }
        _ = ConfirmLiveAsync();
    }

    private async Task ConfirmLiveAsync()
    {
        try
        {
            while (redis.Multiplexer.IsConnected)
            {
                if (await RoundTripAsync())
                {
                    lock (gate) live = true;
                    logger.LogInformation("Redis is reachable again and this node hears its own messages: live timeline events resume");
                    RaiseLiveChanged(true);
                    return;
                }
                await Task.Delay(250);
            }
        }
        finally
        {
            lock (gate) confirming = false;
        }
    }

    private async Task<bool> RoundTripAsync()
    {
        var token = Guid.NewGuid().ToString("N");
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        probes[token] = heard;
        try
        {
            await redis.Multiplexer.GetSubscriber().PublishAsync(redis.Channel(LiveProbe), token);
            await heard.Task.WaitAsync(TimeSpan.FromSeconds(1));
            return true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return false;
        }
        finally
        {
            probes.TryRemove(token, out _);
        }
    }
}
