using System.Collections.Concurrent;

namespace ImaginAI.Tracker.Timeline;

/// <summary>
/// Which open hub connections watch which projects, and for whom. SignalR groups cannot be listed, so without this a
/// member removed from a project would go on receiving its events until their page reconnected.
/// </summary>
public sealed class TimelineWatchers
{
    private readonly ConcurrentDictionary<string, Watcher> connections = new(StringComparer.Ordinal);

    private sealed record Watcher(long UserId, ConcurrentDictionary<long, byte> Projects);

    public void Joined(string connectionId, long userId, long projectId) =>
        connections.GetOrAdd(connectionId, _ => new Watcher(userId, new ConcurrentDictionary<long, byte>())).Projects[projectId] = 0;

    public void Left(string connectionId, long projectId)
    {
        if (connections.TryGetValue(connectionId, out var watcher)) watcher.Projects.TryRemove(projectId, out _);
    }

    public void Disconnected(string connectionId) => connections.TryRemove(connectionId, out _);

    /// <summary>Every (connection, project) pair the user watches right now.</summary>
    public IReadOnlyList<(string ConnectionId, long ProjectId)> WatchedBy(long userId) =>
        connections.Where(c => c.Value.UserId == userId)
            .SelectMany(c => c.Value.Projects.Keys.Select(projectId => (c.Key, projectId)))
            .ToList();
}
