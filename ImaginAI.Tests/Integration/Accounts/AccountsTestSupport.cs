using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Accounts;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ImaginAI.Tests.Integration.Accounts;

public sealed record TestUser(long Id, string Email, string Password, string Role, string Token);

/// <summary>A project created by its manager, with one field member.</summary>
public sealed record TestTeam(long ProjectId, TestUser Manager, TestUser Field);

/// <summary>Users, memberships and browser-style (cookie) sessions on a real <see cref="TrackerApp"/>.</summary>
public static partial class AccountsTestSupport
{
    public const string Password = "correct horse battery";

    /// <summary>Creates a user through the app's own account service and gives them an API token.</summary>
    public static async Task<TestUser> CreateUserAsync(this TrackerApp app, string role, string? email = null)
    {
        app.Start();
        email ??= $"{role}-{Guid.NewGuid():N}@tracker.test";
        await using var scope = app.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<AccountService>().CreateUserAsync(email, Password, role);
        return new TestUser(user.Id, email, Password, role, await app.CreateTokenAsync(email));
    }

    public static async Task<TestTeam> CreateTeamAsync(this TrackerApp app, string projectName)
    {
        var manager = await app.CreateUserAsync(Roles.Manager);
        var field = await app.CreateUserAsync(Roles.Field);
        var projectId = await app.CreateProjectAsAsync(manager, projectName);
        await app.AddMemberAsync(projectId, field.Id, ProjectRoles.Field);
        return new TestTeam(projectId, manager, field);
    }

    public static async Task AddMemberAsync(this TrackerApp app, long projectId, long userId, string projectRole)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<MembershipRepository>().UpsertAsync(projectId, userId, projectRole);
    }

    /// <summary>A client that keeps cookies and does not follow redirects, like a browser tab we can inspect.</summary>
    public static HttpClient CreateBrowserClient(this TrackerApp app)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }

    /// <summary>Signs in through the login form (antiforgery token included); returns the signed-in browser client.</summary>
    public static async Task<HttpClient> SignInWithCookieAsync(this TrackerApp app, string email, string password, bool rememberMe = false)
    {
        var client = app.CreateBrowserClient();
        var response = await client.PostLoginAsync(email, password, rememberMe);
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"Sign-in of {email} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return client;
    }

    public static async Task<HttpResponseMessage> PostLoginAsync(this HttpClient client, string email, string password, bool rememberMe = false)
    {
        var token = await client.GetFormTokenAsync("/account/login");
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email,
            ["Password"] = password,
            ["RememberMe"] = rememberMe ? "true" : "false",
            ["__RequestVerificationToken"] = token,
        }));
    }

    /// <summary>The antiforgery token of a page's form, as a browser would submit it.</summary>
    public static async Task<string> GetFormTokenAsync(this HttpClient client, string pageUrl)
    {
        var html = await client.GetStringAsync(pageUrl);
        return FormToken().Match(html) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException($"{pageUrl} has no antiforgery token:\n{html}");
    }

    /// <summary>The token a signed-in page gives its scripts (meta csrf-token), for cookie-authenticated API calls.</summary>
    public static async Task<string> GetPageCsrfTokenAsync(this HttpClient client, string pageUrl = "/account")
    {
        var html = await client.GetStringAsync(pageUrl);
        return MetaToken().Match(html) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException($"{pageUrl} has no csrf-token meta tag:\n{html}");
    }

    public static FormUrlEncodedContent Form(string csrfToken, params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))
            .Append(new KeyValuePair<string, string>("__RequestVerificationToken", csrfToken)));

    public static async Task<long> CreateProjectAsAsync(this TrackerApp app, TestUser manager, string name)
    {
        using var client = app.CreateClientWithToken(manager.Token);
        var project = await app.CreateProjectAsync(name, client);
        return project.GetProperty("id").GetInt64();
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(TrackerApp.Json);

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    [GeneratedRegex("<meta name=\"csrf-token\" content=\"([^\"]+)\"")]
    private static partial Regex MetaToken();
}
