using ImaginAI.Tracker.Photos;
using ImaginAI.Tracker.Projects;
using Microsoft.AspNetCore.SignalR;

namespace ImaginAI.Tracker.Timeline;

/// <summary>
/// What the server pushes to a project's watchers; each payload is the photo as GET /api/photos/{id} shows it.
/// The method names are the message names on the wire, camelCase as the contract spells them: the .NET SignalR
/// client matches handler names case-sensitively.
/// </summary>
public interface ITimelineClient
{
#pragma warning disable IDE1006 // wire names
    Task photoAdded(PhotoJson photo);
    /// <summary>Any change of status or milestone.</summary>
    Task photoUpdated(PhotoJson photo);
    /// <summary>The photo that gave its milestone its first photo.</summary>
    Task milestoneReached(PhotoJson photo);
    /// <summary>A manager deleted the photo (payload with deletedAt): it leaves every lane.</summary>
    Task photoDeleted(PhotoJson photo);
    /// <summary>A deleted photo was restored: it goes back to the lane its status says.</summary>
    Task photoRestored(PhotoJson photo);
    /// <summary>Milestones were renamed, reordered or deleted: the page re-reads the timeline.</summary>
    Task milestonesChanged(long projectId);
    /// <summary>A member commented on a photo of the project.</summary>
    Task commentAdded(CommentJson comment);
    /// <summary>A comment was deleted (payload: the comment as it was).</summary>
    Task commentDeleted(CommentJson comment);
    /// <summary>The user may no longer see this project (removed from it): no more events of it follow.</summary>
    Task accessRevoked(long projectId);
    /// <summary>
    /// Live events stopped reaching this server (its Redis is unreachable): the page says it is no longer live, and
    /// re-reads the timeline once it reconnects.
    /// </summary>
    Task liveStopped();
#pragma warning restore IDE1006
}

public sealed class TimelineHub(ProjectRepository projects, TimelineWatchers watchers, ImaginAI.Tracker.Cluster.ClusterBus cluster) : Hub<ITimelineClient>
{
    public static string GroupName(long projectId) => $"project:{projectId}";

    public async Task JoinProject(long projectId)
    {
        if (!await projects.ExistsAsync(projectId)) throw new HubException($"There is no project {projectId}.");
        // Joined while events cannot travel, the page would take itself for live and miss what follows: it retries.
        if (!cluster.IsLive)
            throw new HubException("Live updates are paused while the server reconnects to its message service; the page joins again by itself.");
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupName(projectId));
        // HubAccessFilter has already checked the caller against the database; this remembers whom to cut off if that changes.
        watchers.Joined(Context.ConnectionId, projectId);
    }

    public async Task LeaveProject(long projectId)
    {
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupName(projectId));
        watchers.Left(Context.ConnectionId, projectId);
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        watchers.Disconnected(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}
