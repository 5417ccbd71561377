using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Integration.Accounts;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Cli;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace ImaginAI.Tests.Integration.Cluster;

/// <summary>
/// Two nodes behind one address, on real PostgreSQL and Redis: live events, sign-in, access changes and search work
/// whichever node a request or a connection reaches.
/// </summary>
[Collection(TwoNodes.Collection)]
[Trait("Database", "own")] // PostgreSQL whatever the suite's provider: run once, in the first pass of .ci/run
public sealed class TwoNodeTests(TwoNodes nodes, ITestOutputHelper output) : IClassFixture<TwoNodes>
{
    private const int PhotoCount = 100;

    [Fact]
    public async Task Upload_HundredPhotosToNodeA_EveryEventArrivesOnNodeBEachDecidedOnceByBothNodes()
    {
        if (!nodes.Available) return;
        var (a, b) = (nodes.A, nodes.B);
        var projectId = await a.CreateProjectAsync("Two-node site");
        var decisionsBefore = (await TwoNodes.DecisionsByAsync(a), await TwoNodes.DecisionsByAsync(b));
        var added = new ConcurrentDictionary<long, byte>();
        var decided = new ConcurrentDictionary<long, byte>();
        await using var watcher = new HubConnectionBuilder()
            .WithUrl(b.Url("/hubs/timeline"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(b.AdminToken))
            .Build();
        watcher.On<JsonElement>("photoAdded", photo => added[photo.GetProperty("id").GetInt64()] = 0);
        watcher.On<JsonElement>("photoUpdated", photo =>
        {
            if (photo.GetProperty("status").GetString() is "matched" or "unmatched") decided[photo.GetProperty("id").GetInt64()] = 0;
        });
        await watcher.StartAsync();
        await watcher.InvokeAsync("JoinProject", projectId);

        var photos = PhotoSet.Make(RealPhotos.Directory, PhotoCount, longSide: 480, seed: 21);
        var ids = new List<long>();
        foreach (var batch in photos.Chunk(10))
        {
            using var response = await a.UploadAsync(projectId, batch);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.AddRange((await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(p => p.GetProperty("id").GetInt64()));
        }
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (decided.Count < PhotoCount && DateTime.UtcNow < deadline) await Task.Delay(250);
        var byA = await TwoNodes.DecisionsByAsync(a) - decisionsBefore.Item1;
        var byB = await TwoNodes.DecisionsByAsync(b) - decisionsBefore.Item2;
        output.WriteLine($"decided by node A: {byA}, by node B: {byB}");

        Assert.Equal(PhotoCount, ids.Distinct().Count());
        Assert.All(ids, id => Assert.True(added.ContainsKey(id), $"photoAdded of {id} did not reach node B"));
        Assert.All(ids, id => Assert.True(decided.ContainsKey(id), $"the decision on {id} did not reach node B"));
        Assert.Equal(PhotoCount, await nodes.CountAsync($"project_id = {projectId} AND status IN ('matched', 'unmatched') AND decision_count = 1 AND attempts = 1"));
        Assert.Equal(PhotoCount, byA + byB);
        Assert.True(byA > 0 && byB > 0, $"one node did all the work (A {byA}, B {byB})");
    }

    [Fact]
    public async Task Cookie_IssuedByNodeA_IsAcceptedByNodeB()
    {
        if (!nodes.Available) return;
        using var onA = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = nodes.A.Url("/"),
        };
        var signIn = await onA.PostLoginAsync(TrackerApp.AdminEmail, TrackerApp.AdminPassword);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("imaginai.auth=", StringComparison.Ordinal)).Split(';')[0];
        using var onB = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        onB.DefaultRequestHeaders.Add("Cookie", cookie);

        using var projects = await onB.GetAsync(nodes.B.Url("/api/projects"));
        using var page = await onB.GetAsync(nodes.B.Url("/account"));

        Assert.Equal(HttpStatusCode.OK, projects.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task RemoveMember_OnNodeA_ClosesTheirTimelineOnNodeBAtOnce()
    {
        if (!nodes.Available) return;
        var (a, b) = (nodes.A, nodes.B);
        var projectId = await a.CreateProjectAsync("Access site");
        using var admin = await TwoNodes.SignInAsync(a, TrackerApp.AdminEmail, TrackerApp.AdminPassword);
        var email = $"field-{Guid.NewGuid():N}@tracker.test";
        using (var added = await admin.PostAsync("/admin/users", AccountsTestSupport.Form(await admin.GetFormTokenAsync("/admin/users"),
            ("email", email), ("password", AccountsTestSupport.Password), ("role", "field"))))
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        using (var member = await admin.PostAsync($"/projects/{projectId}/members", AccountsTestSupport.Form(await admin.GetFormTokenAsync($"/projects/{projectId}/members"),
            ("email", email), ("role", "field"))))
            Assert.Equal(HttpStatusCode.OK, member.StatusCode);
        var userId = await TrackerDatabase.ScalarAsync<long>(nodes.Database, "SELECT id FROM users WHERE lower(email) = lower(@email)", new { email });
        var token = (await TwoNodes.TokenAsync(b, email, AccountsTestSupport.Password)).GetProperty("token").GetString();
        var revoked = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var watcher = new HubConnectionBuilder()
            .WithUrl(b.Url("/hubs/timeline"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        watcher.On<long>("accessRevoked", id => revoked.TrySetResult(id));
        await watcher.StartAsync();
        await watcher.InvokeAsync("JoinProject", projectId);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var removed = await admin.PostAsync($"/projects/{projectId}/members/{userId}/remove",
            AccountsTestSupport.Form(await admin.GetFormTokenAsync($"/projects/{projectId}/members")));
        var revokedProject = await revoked.Task.WaitAsync(TimeSpan.FromSeconds(90));
        output.WriteLine($"accessRevoked reached node B {clock.ElapsedMilliseconds} ms after the removal on node A");

        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal(projectId, revokedProject);
    }

    [Fact]
    public async Task Search_SamePhotoOnEitherNode_SameAnswer()
    {
        if (!nodes.Available) return;
        var (a, b) = (nodes.A, nodes.B);
        var projectId = await a.CreateProjectAsync("Search site");
        var photos = PhotoSet.Make(RealPhotos.Directory, 12, longSide: 480, seed: 5);
        using (var response = await a.UploadAsync(projectId, photos.Take(6)))
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using (var response = await b.UploadAsync(projectId, photos.Skip(6)))
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (await nodes.CountAsync($"project_id = {projectId} AND status IN ('matched', 'unmatched')") < 12 && DateTime.UtcNow < deadline) await Task.Delay(250);
        Assert.Equal(12, await nodes.CountAsync($"project_id = {projectId} AND status IN ('matched', 'unmatched')"));

        async Task<List<string>> AskEachNodeTwiceAsync()
        {
            var answers = new List<string>();
            foreach (var node in new[] { a, b, a, b })
            {
                using var form = new MultipartFormDataContent();
                var part = new ByteArrayContent(photos[3].Bytes);
                part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                form.Add(part, "file", photos[3].FileName);
                form.Add(new StringContent(projectId.ToString(System.Globalization.CultureInfo.InvariantCulture)), "projectId");
                using var response = await node.Http.PostAsync(node.Url("/api/search"), form);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.IsSuccessStatusCode, $"search answered {(int)response.StatusCode}: {body}");
                answers.Add(JsonSerializer.Serialize(JsonDocument.Parse(body).RootElement.GetProperty("results")));
            }
            return answers;
        }

        // Each node's similarity index catches up with the other's photos on its own poll, a moment after they are decided.
        var answers = await AskEachNodeTwiceAsync();
        var agreeBy = DateTime.UtcNow.AddSeconds(30);
        while (answers.Distinct().Count() > 1 && DateTime.UtcNow < agreeBy)
        {
            await Task.Delay(250);
            answers = await AskEachNodeTwiceAsync();
        }
        output.WriteLine(answers[0]);

        Assert.Contains("\"photoId\"", answers[0]);
        Assert.All(answers, answer => Assert.Equal(answers[0], answer));
    }
}
