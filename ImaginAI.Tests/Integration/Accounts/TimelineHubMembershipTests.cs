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
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!(memberEvents.Contains($"photoAdded {photoId}") && memberEvents.Contains($"photoUpdated {photoId}")) && DateTime.UtcNow < deadline)
            await Task.Delay(100);

        Assert.Contains($"photoAdded {photoId}", memberEvents);
        Assert.Contains($"photoUpdated {photoId}", memberEvents);
        // Every event the member got had been sent by then; the outsider, still connected, got none of them.
        Assert.True(stranger.State == HubConnectionState.Connected);
        Assert.Empty(outsiderEvents);
    }

    [Fact]
    public async Task RemoveMember_WhileWatching_StopsTheirEventsAtOnceAndSaysWhy()
    {
        var (projectId, manager, worker) = await app.CreateTeamAsync("Revoked site");
        var workerEvents = new ConcurrentQueue<string>();
        var managerEvents = new ConcurrentQueue<string>();
        var revoked = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var workerHub = Listen(app.CreateHubConnection(worker.Token), workerEvents);
        await using var managerHub = Listen(app.CreateHubConnection(manager.Token), managerEvents);
        workerHub.On<long>(nameof(ITimelineClient.accessRevoked), id => revoked.TrySetResult(id));
        await workerHub.StartAsync();
        await managerHub.StartAsync();
        await workerHub.InvokeAsync("JoinProject", projectId);
        await managerHub.InvokeAsync("JoinProject", projectId);
        using var managerClient = app.CreateClientWithToken(manager.Token);
        var before = await app.UploadOneAsync(projectId, "before.jpg", TestImages.QuadrantsJpeg(640, 480), client: managerClient);
        await WaitForAsync(() => workerEvents.Contains($"photoAdded {before}"));

        using var managerBrowser = await app.SignInWithCookieAsync(manager.Email, manager.Password);
        var removed = await managerBrowser.PostAsync($"/projects/{projectId}/members/{worker.Id}/remove",
            AccountsTestSupport.Form(await managerBrowser.GetFormTokenAsync($"/projects/{projectId}/members")));
        removed.EnsureSuccessStatusCode();

        Assert.Equal(projectId, await revoked.Task.WaitAsync(TimeSpan.FromSeconds(90)));
        var after = await app.UploadOneAsync(projectId, "after.jpg", TestImages.QuadrantsJpeg(800, 600), client: managerClient);
        await WaitForAsync(() => managerEvents.Contains($"photoAdded {after}"));
        // The manager got the new photo's event, so it had been sent: the removed worker, still connected, did not.
        Assert.Equal(HubConnectionState.Connected, workerHub.State);
        Assert.DoesNotContain(workerEvents, e => e.EndsWith($" {after}", StringComparison.Ordinal));
        var rejoin = await Assert.ThrowsAsync<HubException>(() => workerHub.InvokeAsync("JoinProject", projectId));
        Assert.Contains("not a member", rejoin.Message);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(condition(), "the expected timeline event did not arrive within 90 s");
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
