using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace ImaginAI.Tests.Integration.Timeline;

/// <summary>The live timeline over a real Kestrel port and the real .NET SignalR client (WebSockets).</summary>
public sealed class TimelineHubTests(KestrelTrackerApp app) : IClassFixture<KestrelTrackerApp>
{
    [Fact]
    public async Task Upload_WhileJoined_ClientReceivesPhotoAddedThenPhotoUpdatedMatched()
    {
        var client = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Live site", client)).GetProperty("id").GetInt64();
        var milestoneId = await app.AddMilestoneAsync(projectId, "Scaffolding", client);
        var referenceId = await app.UploadOneAsync(projectId, "reference.jpg", RealPhotos.Read("TwoWings.jpg"), milestoneId, client);
        await app.WaitUntilDecidedAsync(referenceId, client: client);

        var messages = new ConcurrentQueue<(string Name, JsonElement Photo)>();
        var matched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hub = app.CreateHubConnection();
        hub.On<JsonElement>("photoAdded", photo => messages.Enqueue(("photoAdded", photo)));
        hub.On<JsonElement>("photoUpdated", photo =>
        {
            messages.Enqueue(("photoUpdated", photo));
            if (photo.GetProperty("status").GetString() == "matched") matched.TrySetResult();
        });
        hub.On<JsonElement>("milestoneReached", photo => messages.Enqueue(("milestoneReached", photo)));
        await hub.StartAsync();
        await hub.InvokeAsync("JoinProject", projectId);

        var photoId = await app.UploadOneAsync(projectId, "later.jpg", PhotoVariants.SecondVisit(RealPhotos.Read("TwoWings.jpg")), client: client);
        await matched.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var forPhoto = messages.Where(m => m.Photo.GetProperty("id").GetInt64() == photoId).ToList();
        Assert.Equal("photoAdded", forPhoto[0].Name);
        Assert.Equal("pending", forPhoto[0].Photo.GetProperty("status").GetString());
        var last = forPhoto.Last(m => m.Name == "photoUpdated").Photo;
        Assert.Equal("matched", last.GetProperty("status").GetString());
        Assert.Equal(milestoneId, last.GetProperty("milestone").GetProperty("id").GetInt64());
        Assert.Equal("Scaffolding", last.GetProperty("milestone").GetProperty("name").GetString());
    }

    [Fact]
    public async Task MilestoneReached_FirstSitePhotoNotAReference_IsAnnouncedOnce()
    {
        var client = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("First photo", client)).GetProperty("id").GetInt64();
        var milestoneId = await app.AddMilestoneAsync(projectId, "Roof", client);
        var reached = new ConcurrentQueue<JsonElement>();
        await using var hub = app.CreateHubConnection();
        hub.On<JsonElement>("milestoneReached", photo => reached.Enqueue(photo));
        await hub.StartAsync();
        await hub.InvokeAsync("JoinProject", projectId);

        var reference = await app.UploadOneAsync(projectId, "roof-reference.jpg", RealPhotos.Read("RainDrops.jpg"), milestoneId, client);
        var first = await app.UploadOneAsync(projectId, "roof-1.jpg", RealPhotos.Read("Aqua.jpg"), client: client);
        var second = await app.UploadOneAsync(projectId, "roof-2.jpg", RealPhotos.Read("Wood.jpg"), client: client);
        foreach (var id in new[] { reference, first, second }) await app.WaitUntilDecidedAsync(id, client: client);
        await Task.Delay(500);
        Assert.Empty(reached);

        foreach (var id in new[] { first, second })
            (await client.PutAsJsonAsync($"/api/photos/{id}/milestone", new { milestoneId })).EnsureSuccessStatusCode();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (reached.IsEmpty && DateTime.UtcNow < deadline) await Task.Delay(50);
        await Task.Delay(500); // time for a second, wrongful announcement to arrive

        var announcement = Assert.Single(reached);
        Assert.Equal(milestoneId, announcement.GetProperty("milestone").GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task JoinProject_UnknownProject_FailsWithPlainMessage()
    {
        await using var hub = app.CreateHubConnection();
        await hub.StartAsync();

        var error = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("JoinProject", 424242L));

        Assert.Contains("no project 424242", error.Message);
    }
}
