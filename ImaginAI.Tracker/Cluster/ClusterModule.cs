using System.ComponentModel.DataAnnotations;
using StackExchange.Redis;

namespace ImaginAI.Tracker.Cluster;

/// <summary>Several nodes behind one address ("Cluster" section; docs/SCALING.md).</summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    /// <summary>
    /// Starts every Redis channel of this install (SignalR backplane and cluster messages), so several installs, or
    /// test runs, can share one Redis server without hearing each other.
    /// </summary>
    [Required(ErrorMessage = "Cluster:ChannelPrefix must name this install.")]
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$", ErrorMessage = "Cluster:ChannelPrefix may hold letters, digits, '.', '_' and '-' (at most 64).")]
    public string ChannelPrefix { get; set; } = "imaginai";
}

public static class ClusterModule
{
    /// <summary>
    /// With ConnectionStrings:Redis set, SignalR fans events out through Redis (a watcher on any node sees what any
    /// node did) and nodes message each other over Redis pub/sub; without it, one process does both in memory.
    /// </summary>
    public static IServiceCollection AddCluster(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (configuration.GetConnectionString("Redis") is not { Length: > 0 } connectionString)
        {
            services.AddSingleton<ClusterBus, LocalClusterBus>();
            return services;
        }

        var prefix = configuration.GetSection(ClusterOptions.Section)[nameof(ClusterOptions.ChannelPrefix)] is { Length: > 0 } p ? p : new ClusterOptions().ChannelPrefix;
        var redis = new RedisConnection(connectionString, prefix);
        services.AddSingleton(redis);
        services.AddSingleton<RedisClusterBus>();
        services.AddSingleton<ClusterBus>(provider => provider.GetRequiredService<RedisClusterBus>());
        services.AddHostedService(provider => provider.GetRequiredService<RedisClusterBus>());
        services.AddSignalR().AddStackExchangeRedis(options =>
        {
            options.Configuration.ChannelPrefix = RedisChannel.Literal(prefix + ":signalr");
            options.ConnectionFactory = _ => Task.FromResult<IConnectionMultiplexer>(redis.Multiplexer);
        });
        return services;
    }
}
