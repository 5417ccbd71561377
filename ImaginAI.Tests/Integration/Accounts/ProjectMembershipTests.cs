using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Accounts;

namespace ImaginAI.Tests.Integration.Accounts;

public sealed class ProjectMembershipTests(TrackerApp app) : IClassFixture<TrackerApp>
{
    [Fact]
    public async Task ProjectList_ShowsMembersTheirProjectsOnlyAndAdminsAll()
    {
        var manager = await app.CreateUserAsync(Roles.Manager);
        var otherManager = await app.CreateUserAsync(Roles.Manager);
        var mine = await app.CreateProjectAsAsync(manager, "Mine");
        var theirs = await app.CreateProjectAsAsync(otherManager, "Theirs");

        Assert.Equal([mine], await ProjectIdsAsync(app.CreateClientWithToken(manager.Token)));
        Assert.Equal([theirs], await ProjectIdsAsync(app.CreateClientWithToken(otherManager.Token)));
        var all = await ProjectIdsAsync(app.CreateClient());
        Assert.Contains(mine, all);
        Assert.Contains(theirs, all);
    }

    [Fact]
    public async Task MembersPage_ManagerAddsAFieldWorker_WhoThenSeesAndUploadsToTheProject()
    {
        var manager = await app.CreateUserAsync(Roles.Manager);
        var worker = await app.CreateUserAsync(Roles.Field);
        var projectId = await app.CreateProjectAsAsync(manager, "Depot");
        using var workerApi = app.CreateClientWithToken(worker.Token);
        Assert.Equal(HttpStatusCode.NotFound, (await workerApi.GetAsync($"/api/projects/{projectId}")).StatusCode);

        using var managerBrowser = await app.SignInWithCookieAsync(manager.Email, manager.Password);
        var formToken = await managerBrowser.GetFormTokenAsync($"/projects/{projectId}/members");
        var asManager = await managerBrowser.PostAsync($"/projects/{projectId}/members",
            AccountsTestSupport.Form(formToken, ("email", worker.Email), ("role", ProjectRoles.Manager)));
        var asField = await managerBrowser.PostAsync($"/projects/{projectId}/members",
            AccountsTestSupport.Form(formToken, ("email", worker.Email), ("role", ProjectRoles.Field)));

        Assert.Equal(HttpStatusCode.BadRequest, asManager.StatusCode);
        Assert.Contains("cannot manage a project", WebUtility.HtmlDecode(await asManager.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.OK, asField.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await workerApi.GetAsync($"/api/projects/{projectId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await app.UploadAsync(projectId, [("depot.jpg", TestImages.QuadrantsJpeg(320, 240))], client: workerApi)).StatusCode);
        var milestone = await workerApi.PostAsJsonAsync($"/api/projects/{projectId}/milestones", new { name = "Roof" });
        Assert.Equal(HttpStatusCode.Forbidden, milestone.StatusCode);
        Assert.Equal("application/problem+json", milestone.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task RemovingAMember_ClosesTheProjectToThemAtOnce()
    {
        var (projectId, manager, worker) = await app.CreateTeamAsync("Pier");
        using var workerApi = app.CreateClientWithToken(worker.Token);
        Assert.Equal(HttpStatusCode.OK, (await workerApi.GetAsync($"/api/projects/{projectId}/timeline")).StatusCode);

        using var managerBrowser = await app.SignInWithCookieAsync(manager.Email, manager.Password);
        var removed = await managerBrowser.PostAsync($"/projects/{projectId}/members/{worker.Id}/remove",
            AccountsTestSupport.Form(await managerBrowser.GetFormTokenAsync($"/projects/{projectId}/members")));

        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await workerApi.GetAsync($"/api/projects/{projectId}/timeline")).StatusCode);
        var lastManager = await managerBrowser.PostAsync($"/projects/{projectId}/members/{manager.Id}/remove",
            AccountsTestSupport.Form(await managerBrowser.GetFormTokenAsync($"/projects/{projectId}/members")));
        Assert.Equal(HttpStatusCode.BadRequest, lastManager.StatusCode);
    }

    private static async Task<long[]> ProjectIdsAsync(HttpClient client)
    {
        using (client)
        {
            var projects = await client.GetFromJsonAsync<JsonElement>("/api/projects", TrackerApp.Json);
            return projects.EnumerateArray().Select(p => p.GetProperty("id").GetInt64()).Order().ToArray();
        }
    }
}
