using StackExchange.Redis;

namespace ImaginAI.Tracker.Cluster;

/// <summary>
/// The one Redis connection of this node (ConnectionStrings:Redis), shared by the SignalR backplane and the cluster
/// messages. It never stops start-up: an unreachable Redis is retried in the background while the node serves.
/// Every channel carries <see cref="ClusterOptions.ChannelPrefix"/>, so installs sharing one Redis never hear each other.
/// </summary>
public sealed class RedisConnection(string connectionString, string prefix) : IDisposable
{
    private readonly Lazy<ConnectionMultiplexer> multiplexer = new(() =>
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.ClientName ??= "imaginai-tracker";
        return ConnectionMultiplexer.Connect(options);
    });

    public string Prefix { get; } = prefix;

    public ConnectionMultiplexer Multiplexer => multiplexer.Value;

    public RedisChannel Channel(string name) => RedisChannel.Literal($"{Prefix}:bus:{name}");

    public RedisChannel AllChannels => RedisChannel.Pattern($"{Prefix}:bus:*");

    /// <summary>The message name of one of this install's channels, or null for another channel.</summary>
    public string? NameOf(RedisChannel channel)
    {
        var text = channel.ToString();
        var start = $"{Prefix}:bus:";
        return text.StartsWith(start, StringComparison.Ordinal) ? text[start.Length..] : null;
    }

    public void Dispose()
    {
        if (multiplexer.IsValueCreated) multiplexer.Value.Dispose();
    }
}
