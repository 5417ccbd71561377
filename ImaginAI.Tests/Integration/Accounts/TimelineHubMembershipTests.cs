using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Accounts;
using ImaginAI.Tracker.Timeline;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace ImaginAI.Tests.Integration.Accounts;

public sealed class TimelineHubMembershipTests(TrackerApp app) : IClassFixture<TrackerApp>
{
    [Fact]
    public async Task JoinProject_NonMember_FailsAndReceivesNoEventWhileMemberDoes()
    {
        var manager = await app.CreateUserAsync(Roles.Manager);
        var outsider = await app.CreateUserAsync(Roles.Field);
        var projectId = await app.CreateProjectAsAsync(manager, "Hub site");

        var memberEvents = new ConcurrentQueue<string>();
        var outsiderEvents = new ConcurrentQueue<string>();
        await using var member = Listen(app.CreateHubConnection(manager.Token), memberEvents);
        await using var stranger = Listen(app.CreateHubConnection(outsider.Token), outsiderEvents);
        await member.StartAsync();
        await stranger.StartAsync();

        await member.InvokeAsync("JoinProject", projectId);
        var refusal = await Assert.ThrowsAsync<HubException>(() => stranger.InvokeAsync("JoinProject", projectId));
        Assert.Contains("not a member", refusal.Message);

        using var managerClient = app.CreateClientWithToken(manager.Token);
        var milestoneId = await app.AddMilestoneAsync(projectId, "Frame", managerClient);
        var photoId = await app.UploadOneAsync(projectId, "site.jpg", TestImages.QuadrantsJpeg(640, 480), client: managerClient);
        (await managerClient.PutAsJsonAsync($"/api/photos/{photoId}/milestone", new { milestoneId })).EnsureSuccessStatusCode();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(memberEvents.Contains($"photoAdded {photoId}") && memberEvents.Contains($"photoUpdated {photoId}")) && DateTime.UtcNow < deadline)
            await Task.Delay(100);

        Assert.Contains($"photoAdded {photoId}", memberEvents);
        Assert.Contains($"photoUpdated {photoId}", memberEvents);
        // Every event the member got had been sent by then; the outsider, still connected, got none of them.
        Assert.True(stranger.State == HubConnectionState.Connected);
        Assert.Empty(outsiderEvents);
    }

    [Fact]
    public async Task Connect_WithoutSignIn_IsRefused()
    {
        await using var anonymous = app.CreateHubConnection(anonymous: true);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.StartAsync());

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, error.StatusCode);
    }

    private static HubConnection Listen(HubConnection connection, ConcurrentQueue<string> events)
    {
        foreach (var name in new[] { nameof(ITimelineClient.photoAdded), nameof(ITimelineClient.photoUpdated), nameof(ITimelineClient.milestoneReached) })
            connection.On<JsonElement>(name, photo => events.Enqueue($"{name} {photo.GetProperty("id").GetInt64()}"));
        return connection;
    }
}
