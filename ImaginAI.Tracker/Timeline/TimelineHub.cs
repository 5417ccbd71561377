using ImaginAI.Tracker.Photos;
using ImaginAI.Tracker.Projects;
using Microsoft.AspNetCore.SignalR;

namespace ImaginAI.Tracker.Timeline;

/// <summary>What the server pushes to a project's watchers; each payload is the photo as GET /api/photos/{id} shows it.</summary>
public interface ITimelineClient
{
    Task PhotoAdded(PhotoJson photo);
    /// <summary>Any change of status or milestone.</summary>
    Task PhotoUpdated(PhotoJson photo);
    /// <summary>The photo that gave its milestone its first photo.</summary>
    Task MilestoneReached(PhotoJson photo);
}

public sealed class TimelineHub(ProjectRepository projects) : Hub<ITimelineClient>
{
    public static string GroupName(long projectId) => $"project:{projectId}";

    public async Task JoinProject(long projectId)
    {
        if (!await projects.ExistsAsync(projectId)) throw new HubException($"There is no project {projectId}.");
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupName(projectId));
    }

    public Task LeaveProject(long projectId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupName(projectId));
}
