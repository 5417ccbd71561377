using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Integration.Accounts;
using ImaginAI.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace ImaginAI.Tests.Integration.Photos;

/// <summary>Photos that carry their context (issue 14, §3–4): note, tags, uploader, comments, and the gallery query.</summary>
public sealed class PhotoContextTests(TrackerApp app) : IClassFixture<TrackerApp>
{
    private static int images;

    /// <summary>One photo sent as the upload page sends it: the file, and the note and tags as form fields.</summary>
    internal static async Task<long> UploadWithContextAsync(TrackerApp app, HttpClient client, long projectId, string fileName,
        string? note = null, string? tags = null, long? milestoneId = null, string? takenAt = null)
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(TestImages.QuadrantsJpeg(600 + Interlocked.Increment(ref images), 450));
        part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(part, "files", fileName);
        if (note is not null) form.Add(new StringContent(note), "note");
        if (tags is not null) form.Add(new StringContent(tags), "tags");
        if (milestoneId is not null) form.Add(new StringContent(milestoneId.Value.ToString()), "milestoneId");
        if (takenAt is not null) form.Add(new StringContent(takenAt), "takenAt");
        using var response = await client.PostAsync($"/api/projects/{projectId}/photos", form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body);
        return JsonDocument.Parse(body).RootElement[0].GetProperty("id").GetInt64();
    }

    private static string[] Tags(JsonElement photo) => photo.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToArray();

    [Fact]
    public async Task Upload_WithNoteAndTags_PhotoShowsThemAndItsUploader()
    {
        var team = await app.CreateTeamAsync("Context upload");
        using var field = app.CreateClientWithToken(team.Field.Token);

        var id = await UploadWithContextAsync(app, field, team.ProjectId, "leak.jpg", "  Water under the north window ", "Roof, leak ,#North  wall, roof");

        var photo = await app.GetPhotoAsync(id, field);
        Assert.Equal("Water under the north window", photo.GetProperty("note").GetString());
        Assert.Equal(["leak", "north wall", "roof"], Tags(photo));
        Assert.Equal(team.Field.Id, photo.GetProperty("uploadedBy").GetProperty("id").GetInt64());
        Assert.Equal(team.Field.Email, photo.GetProperty("uploadedBy").GetProperty("email").GetString());
        // The timeline carries the same photo, so its thumbnails can say who sent it.
        var timeline = await field.GetFromJsonAsync<JsonElement>($"/api/projects/{team.ProjectId}/timeline");
        Assert.Contains(team.Field.Email, timeline.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_TagWithTooManyCharacters_Returns400AndStoresNothing()
    {
        var team = await app.CreateTeamAsync("Context refused");
        using var field = app.CreateClientWithToken(team.Field.Token);
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(TestImages.QuadrantsJpeg(640, 480)), "files", "long.jpg" },
            { new StringContent(new string('x', 41)), "tags" },
        };

        using var response = await field.PostAsync($"/api/projects/{team.ProjectId}/photos", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("too long", (await response.ReadJsonAsync()).GetProperty("detail").GetString());
        Assert.Equal(0L, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath, "SELECT COUNT(*) FROM photos WHERE project_id = @p", new { p = team.ProjectId }));
    }

    [Fact]
    public async Task Patch_ByUploaderThenByAnotherFieldMember_UploaderChangesItOthersAreRefused()
    {
        var (team, field, otherClient, manager) = await TeamOfThreeAsync("Context edit");
        var id = await UploadWithContextAsync(app, field, team.ProjectId, "wall.jpg", "first note", "wall");

        using var byUploader = await field.PatchAsJsonAsync($"/api/photos/{id}", new { tags = new[] { "Wall", "Crack" } });
        using var byOther = await otherClient.PatchAsJsonAsync($"/api/photos/{id}", new { note = "not mine to change" });
        using var byManager = await manager.PatchAsJsonAsync($"/api/photos/{id}", new { note = "" });

        Assert.Equal(HttpStatusCode.OK, byUploader.StatusCode);
        var afterUploader = await byUploader.ReadJsonAsync();
        Assert.Equal(["crack", "wall"], Tags(afterUploader));
        Assert.Equal("first note", afterUploader.GetProperty("note").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, byOther.StatusCode);
        Assert.Equal("application/problem+json", byOther.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, byManager.StatusCode);
        var photo = await app.GetPhotoAsync(id, field);
        Assert.Equal(JsonValueKind.Null, photo.GetProperty("note").ValueKind);
        Assert.Equal(["crack", "wall"], Tags(photo));
        Assert.Equal(2L, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'photo-changed' AND subject = @subject", new { subject = $"PATCH /api/photos/{id}" }));
    }

    [Fact]
    public async Task Tags_WithPrefix_OfferTheProjectsTagsMostUsedFirst()
    {
        var team = await app.CreateTeamAsync("Context tags");
        var elsewhere = await app.CreateTeamAsync("Other site");
        using var field = app.CreateClientWithToken(team.Field.Token);
        await UploadWithContextAsync(app, field, team.ProjectId, "a.jpg", tags: "roof, rebar");
        await UploadWithContextAsync(app, field, team.ProjectId, "b.jpg", tags: "rebar, wall");
        using var otherField = app.CreateClientWithToken(elsewhere.Field.Token);
        await UploadWithContextAsync(app, otherField, elsewhere.ProjectId, "c.jpg", tags: "rendering");

        var all = await field.GetFromJsonAsync<JsonElement>($"/api/projects/{team.ProjectId}/tags");
        var startingWithR = await field.GetFromJsonAsync<JsonElement>($"/api/projects/{team.ProjectId}/tags?prefix=R");

        Assert.Equal(["rebar", "roof", "wall"], all.EnumerateArray().Select(t => t.GetProperty("tag").GetString()!).ToArray());
        Assert.Equal(2, all[0].GetProperty("photos").GetInt32());
        Assert.Equal(["rebar", "roof"], startingWithR.EnumerateArray().Select(t => t.GetProperty("tag").GetString()!).ToArray());
        Assert.Equal(HttpStatusCode.NotFound, (await otherField.GetAsync($"/api/projects/{team.ProjectId}/tags")).StatusCode);
    }

    [Fact]
    public async Task Gallery_FilteredByTagUploaderStatusAndDays_ReturnsOnlyThePhotosThatPass()
    {
        var team = await app.CreateTeamAsync("Context gallery");
        using var field = app.CreateClientWithToken(team.Field.Token);
        using var manager = app.CreateClientWithToken(team.Manager.Token);
        var milestone = await app.AddMilestoneAsync(team.ProjectId, "Frame", manager);
        var reference = await UploadWithContextAsync(app, manager, team.ProjectId, "ref.jpg", tags: "frame", milestoneId: milestone, takenAt: "2026-11-01T08:00:00Z");
        var roof1 = await UploadWithContextAsync(app, field, team.ProjectId, "roof1.jpg", tags: "roof", takenAt: "2026-11-10T08:00:00Z");
        var roof2 = await UploadWithContextAsync(app, field, team.ProjectId, "roof2.jpg", tags: "roof, leak", takenAt: "2026-11-20T08:00:00Z");
        var wall = await UploadWithContextAsync(app, manager, team.ProjectId, "wall.jpg", tags: "wall", takenAt: "2026-11-21T08:00:00Z");
        async Task<long[]> IdsAsync(string query) =>
            (await field.GetFromJsonAsync<JsonElement>($"/api/projects/{team.ProjectId}/photos?{query}"))
            .GetProperty("photos").EnumerateArray().Select(p => p.GetProperty("id").GetInt64()).ToArray();

        Assert.Equal([wall, roof2, roof1, reference], await IdsAsync(""));
        Assert.Equal([roof2, roof1], await IdsAsync("tag=Roof"));
        Assert.Equal([roof2, roof1], await IdsAsync($"uploader={team.Field.Id}"));
        Assert.Equal([reference], await IdsAsync("status=reference"));
        // The site photos may have been matched to the milestone by now (they look like its reference): whatever the
        // filter returns is the reference and photos of that milestone only.
        var ofMilestone = await field.GetFromJsonAsync<JsonElement>($"/api/projects/{team.ProjectId}/photos?milestone={milestone}");
        Assert.Contains(reference, ofMilestone.GetProperty("photos").EnumerateArray().Select(p => p.GetProperty("id").GetInt64()));
        Assert.All(ofMilestone.GetProperty("photos").EnumerateArray(), p => Assert.Equal(milestone, p.GetProperty("milestoneId").GetInt64()));
        Assert.Equal([roof2, roof1], await IdsAsync("from=2026-11-10&to=2026-11-20"));
        Assert.Equal([roof1], await IdsAsync($"tag=roof&uploader={team.Field.Id}&to=2026-11-15"));
        var paged = await field.GetFromJsonAsync<JsonElement>($"/api/projects/{team.ProjectId}/photos?pageSize=3&page=2");
        Assert.Equal(4, paged.GetProperty("total").GetInt32());
        Assert.Equal(2, paged.GetProperty("pages").GetInt32());
        Assert.Equal(reference, paged.GetProperty("photos")[0].GetProperty("id").GetInt64());

        using var badDay = await field.GetAsync($"/api/projects/{team.ProjectId}/photos?from=last%20week");
        Assert.Equal(HttpStatusCode.BadRequest, badDay.StatusCode);
        Assert.Contains("2026-11-27", (await badDay.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Comment_PostedByAMember_ReachesWatchersLiveAndOnlyAuthorOrManagerDeletesIt()
    {
        var (team, field, otherClient, manager) = await TeamOfThreeAsync("Context comments");
        var id = await UploadWithContextAsync(app, field, team.ProjectId, "talk.jpg");
        var events = new ConcurrentQueue<(string Name, JsonElement Comment)>();
        await using var watcher = app.CreateHubConnection(team.Manager.Token);
        foreach (var name in new[] { "commentAdded", "commentDeleted" })
            watcher.On<JsonElement>(name, comment => events.Enqueue((name, comment)));
        await watcher.StartAsync();
        await watcher.InvokeAsync("JoinProject", team.ProjectId);

        using var posted = await field.PostAsJsonAsync($"/api/photos/{id}/comments", new { body = "  Is this <b>the</b> leak? " });
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var comment = await posted.ReadJsonAsync();
        var commentId = comment.GetProperty("id").GetInt64();
        Assert.Equal("Is this <b>the</b> leak?", comment.GetProperty("body").GetString());
        Assert.Equal(team.Field.Email, comment.GetProperty("author").GetProperty("email").GetString());
        await WaitForAsync(() => events.Any(e => e.Name == "commentAdded" && e.Comment.GetProperty("id").GetInt64() == commentId));

        using var empty = await field.PostAsJsonAsync($"/api/photos/{id}/comments", new { body = "   " });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        using var byOther = await otherClient.DeleteAsync($"/api/photos/{id}/comments/{commentId}");
        Assert.Equal(HttpStatusCode.Forbidden, byOther.StatusCode);
        var thread = await otherClient.GetFromJsonAsync<JsonElement>($"/api/photos/{id}/comments");
        Assert.Equal(commentId, thread[0].GetProperty("id").GetInt64());

        using var byManager = await manager.DeleteAsync($"/api/photos/{id}/comments/{commentId}");
        Assert.Equal(HttpStatusCode.OK, byManager.StatusCode);
        await WaitForAsync(() => events.Any(e => e.Name == "commentDeleted" && e.Comment.GetProperty("id").GetInt64() == commentId));
        Assert.Equal(0, (await field.GetFromJsonAsync<JsonElement>($"/api/photos/{id}/comments")).GetArrayLength());
        Assert.Equal(1L, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'comment-added' AND project_id = @p", new { p = team.ProjectId }));
        Assert.Equal(1L, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'deleted' AND subject = @s", new { s = $"DELETE /api/photos/{id}/comments/{commentId}" }));
    }

    /// <summary>A project with its manager, a field member who uploads, and another field member; a client for each.</summary>
    private async Task<(TestTeam Team, HttpClient Field, HttpClient Other, HttpClient Manager)> TeamOfThreeAsync(string name)
    {
        var team = await app.CreateTeamAsync(name);
        var other = await app.CreateUserAsync(Tracker.Accounts.Roles.Field);
        await app.AddMemberAsync(team.ProjectId, other.Id, Tracker.Accounts.ProjectRoles.Field);
        return (team, app.CreateClientWithToken(team.Field.Token), app.CreateClientWithToken(other.Token), app.CreateClientWithToken(team.Manager.Token));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The live event did not arrive within 90 s.");
            await Task.Delay(50);
        }
    }
}
