using System.Collections.Concurrent;

namespace ImaginAI.Tracker.Cluster;

/// <summary>
/// Short messages to every node of the install, this one included: "re-check this user's connections", "new
/// vectors were committed". With Redis configured they travel over Redis pub/sub; without it (one process) they are
/// handled here at once. A message is a nudge, never the only way news arrives: each receiver also catches up on a
/// timer from the database, so a message lost while Redis is away only delays, never loses, a change.
/// </summary>
public abstract class ClusterBus
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<Func<string, Task>>> handlers = new(StringComparer.Ordinal);

    /// <summary>Whether live events reach every node (always, for one process; while Redis answers, for several).</summary>
    public abstract bool IsLive { get; }

    /// <summary>Whether messages reach other processes (Redis configured), not only this one.</summary>
    public abstract bool SpansNodes { get; }

    /// <summary>Raised with false when live events stop reaching the other nodes, with true when they resume.</summary>
    public event Action<bool>? LiveChanged;

    public void Subscribe(string channel, Func<string, Task> handler) =>
        handlers.GetOrAdd(channel, _ => []).Add(handler);

    /// <summary>Sends to every node; when Redis is away, this node still acts on it at once.</summary>
    public abstract Task PublishAsync(string channel, string message);

    protected async Task DeliverAsync(string channel, string message, ILogger logger)
    {
        if (!handlers.TryGetValue(channel, out var subscribed)) return;
        foreach (var handler in subscribed)
        {
            try
            {
                await handler(message);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Handling cluster message {Channel} {Message} failed", channel, message);
            }
        }
    }

    protected void RaiseLiveChanged(bool live) => LiveChanged?.Invoke(live);
}

/// <summary>The names of the messages nodes send each other.</summary>
public static class ClusterChannels
{
    /// <summary>A user's account, tokens or memberships changed (message: the user id).</summary>
    public const string UserChanged = "user-changed";

    /// <summary>Vectors of a model were committed (message: the model id).</summary>
    public const string EmbeddingsChanged = "embeddings-changed";
}

/// <summary>One process: every message is handled here, at once.</summary>
public sealed class LocalClusterBus(ILogger<LocalClusterBus> logger) : ClusterBus
{
    public override bool IsLive => true;

    public override bool SpansNodes => false;

    public override Task PublishAsync(string channel, string message) => DeliverAsync(channel, message, logger);
}
