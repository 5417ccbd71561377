using System.Collections.Concurrent;

namespace ImaginAI.Tracker.Timeline;

/// <summary>
/// Which open hub connections watch which projects. SignalR groups cannot be listed, so without this a member removed
/// from a project would go on receiving its events until their page reconnected.
/// </summary>
public sealed class TimelineWatchers
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<long, byte>> connections = new(StringComparer.Ordinal);

    public void Joined(string connectionId, long projectId) =>
        connections.GetOrAdd(connectionId, _ => new ConcurrentDictionary<long, byte>())[projectId] = 0;

    public void Left(string connectionId, long projectId)
    {
        if (connections.TryGetValue(connectionId, out var projects)) projects.TryRemove(projectId, out _);
    }

    public void Disconnected(string connectionId) => connections.TryRemove(connectionId, out _);

    /// <summary>The projects the connection watches right now.</summary>
    public IReadOnlyList<long> WatchedOn(string connectionId) =>
        connections.TryGetValue(connectionId, out var projects) ? projects.Keys.ToList() : [];
}
