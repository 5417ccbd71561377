using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace ImaginAI.Tracker.Security;

/// <summary>
/// Every open hub connection with the sign-in it was opened with, so a sign-in that ends (sign-out, password
/// change, revoked token, deleted or demoted account) can have its connections closed, whatever their transport.
/// </summary>
public sealed class LiveConnections
{
    private readonly ConcurrentDictionary<string, HubCallerContext> connections = new(StringComparer.Ordinal);

    public void Opened(HubCallerContext connection) => connections[connection.ConnectionId] = connection;

    public void Closed(string connectionId) => connections.TryRemove(connectionId, out _);

    public IReadOnlyList<HubCallerContext> All() => connections.Values.ToList();

    public IReadOnlyList<HubCallerContext> Of(long userId) =>
        connections.Values.Where(c => c.User?.TryGetUserId() == userId).ToList();
}
