using System.Globalization;
using ImaginAI.Tracker.Accounts;
using ImaginAI.Tracker.Cluster;
using ImaginAI.Tracker.Security;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Timeline;

/// <summary>
/// Ends live updates that outlived access. For each open hub connection it re-reads the caller from the database:
/// a connection whose sign-in has ended is closed at once (every transport), and one whose user may no longer see a
/// project it watches is taken out of that project and told so (<c>accessRevoked</c>). Account changes call
/// <see cref="RecheckUserAsync"/>, which every node acts on at once (through the <see cref="ClusterBus"/>); a timer
/// re-checks every connection, for changes no node was told about (the `users` verb, an edit of the database, a
/// message lost while Redis was away). When live events stop (Redis unreachable) it tells this node's pages so and
/// closes their connections: they reconnect once events flow again, and re-read their timeline then.
/// </summary>
public sealed class TimelineAccessGuard(
    LiveConnections live,
    SignInCheck signIns,
    TimelineWatchers watchers,
    IHubContext<TimelineHub, ITimelineClient> hub,
    IServiceScopeFactory scopes,
    ClusterBus cluster,
    IOptions<AccountOptions> options,
    TimeProvider clock,
    ILogger<TimelineAccessGuard> logger) : BackgroundService
{
    /// <summary>
    /// Re-checks the user's open connections on every node now: call it right after their account, tokens or
    /// memberships change.
    /// </summary>
    public Task RecheckUserAsync(long userId) =>
        cluster.PublishAsync(ClusterChannels.UserChanged, userId.ToString(CultureInfo.InvariantCulture));

    public Task RecheckAllAsync() => RecheckAsync(live.All());

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        cluster.Subscribe(ClusterChannels.UserChanged, message =>
            long.TryParse(message, NumberStyles.None, CultureInfo.InvariantCulture, out var userId) ? RecheckAsync(live.Of(userId)) : Task.CompletedTask);
        cluster.LiveChanged += isLive =>
        {
            if (!isLive) _ = CloseAsNotLiveAsync();
        };
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.LiveRecheckSeconds), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RecheckAllAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not re-check the open timeline connections; trying again at the next tick");
            }
        }
    }

    private async Task RecheckAsync(IReadOnlyList<HubCallerContext> connections)
    {
        if (connections.Count == 0) return;
        await using var scope = scopes.CreateAsyncScope();
        var access = scope.ServiceProvider.GetRequiredService<ProjectAccess>();
        foreach (var connection in connections)
        {
            var user = await signIns.GetStandingUserAsync(connection.User);
            foreach (var projectId in watchers.WatchedOn(connection.ConnectionId))
            {
                if (user is not null && await access.HasAsync(user, projectId, ProjectPermission.View)) continue;
                await hub.Groups.RemoveFromGroupAsync(connection.ConnectionId, TimelineHub.GroupName(projectId));
                watchers.Left(connection.ConnectionId, projectId);
                if (user is not null) await TellRevokedAsync(connection.ConnectionId, projectId);
            }
            if (user is null)
            {
                // The page reconnects and is refused (401): its sign-in is over, so it asks to sign in again.
                live.Closed(connection.ConnectionId);
                connection.Abort();
            }
        }
    }

    private async Task CloseAsNotLiveAsync()
    {
        var connections = live.All();
        logger.LogInformation("Live events stopped: telling {Count} open timeline connections and closing them", connections.Count);
        foreach (var connection in connections)
        {
            try
            {
                // Written straight to this node's connection: it needs no Redis.
                await hub.Clients.Client(connection.ConnectionId).liveStopped();
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Could not tell connection {ConnectionId} that live events stopped", connection.ConnectionId);
            }
            connection.Abort();
        }
    }

    private async Task TellRevokedAsync(string connectionId, long projectId)
    {
        try
        {
            await hub.Clients.Client(connectionId).accessRevoked(projectId);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not tell connection {ConnectionId} that project {ProjectId} is closed to it", connectionId, projectId);
        }
    }
}
