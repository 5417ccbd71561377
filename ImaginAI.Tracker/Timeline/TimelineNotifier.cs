using ImaginAI.Tracker.Photos;
using Microsoft.AspNetCore.SignalR;

namespace ImaginAI.Tracker.Timeline;

/// <summary>
/// Tells a project's watchers what happened to a photo, reading the photo as it is now in the database. A watcher
/// that misses a message re-reads the timeline on reconnect, so a failed send is logged, never thrown at the caller.
/// </summary>
public sealed class TimelineNotifier(
    IHubContext<TimelineHub, ITimelineClient> hub, PhotoRepository photos, ILogger<TimelineNotifier> logger)
{
    public Task PhotoAddedAsync(long photoId) => SendAsync(photoId, (client, photo) => client.photoAdded(photo));

    public Task PhotoUpdatedAsync(long photoId) => SendAsync(photoId, (client, photo) => client.photoUpdated(photo));

    public Task PhotoDeletedAsync(long photoId) => SendAsync(photoId, (client, photo) => client.photoDeleted(photo));

    public Task PhotoRestoredAsync(long photoId) => SendAsync(photoId, (client, photo) => client.photoRestored(photo));

    public async Task MilestonesChangedAsync(long projectId)
    {
        try
        {
            await hub.Clients.Group(TimelineHub.GroupName(projectId)).milestonesChanged(projectId);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not tell project {ProjectId}'s watchers that its milestones changed", projectId);
        }
    }

    public Task CommentAddedAsync(CommentJson comment) =>
        SendToProjectAsync(comment.ProjectId, client => client.commentAdded(comment), "a new comment");

    public Task CommentDeletedAsync(CommentJson comment) =>
        SendToProjectAsync(comment.ProjectId, client => client.commentDeleted(comment), "a deleted comment");

    private async Task SendToProjectAsync(long projectId, Func<ITimelineClient, Task> send, string what)
    {
        try
        {
            await send(hub.Clients.Group(TimelineHub.GroupName(projectId)));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not tell project {ProjectId}'s watchers about {What}", projectId, what);
        }
    }

    public Task MilestoneReachedAsync(long photoId) => SendAsync(photoId, (client, photo) => client.milestoneReached(photo));

    private async Task SendAsync(long photoId, Func<ITimelineClient, PhotoJson, Task> send)
    {
        try
        {
            if (await photos.GetByIdAsync(photoId) is not { } photo) return;
            await send(hub.Clients.Group(TimelineHub.GroupName(photo.ProjectId)), PhotoJson.From(photo));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not tell the timeline about photo {PhotoId}", photoId);
        }
    }
}
