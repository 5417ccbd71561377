using System.Net;
using System.Text.Json;
using ImaginAI.Tests.Integration.Accounts;
using ImaginAI.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ImaginAI.Tests.Integration.ApiDocs;

public sealed class OpenApiDocumentTests(TrackerApp app) : IClassFixture<TrackerApp>
{
    [Fact]
    public async Task Document_ComparedWithTheAppsEndpoints_DescribesEveryApiEndpointAndNothingElse()
    {
        var document = await ReadDocumentAsync(app.CreateClient());
        var documented = Operations(document).Select(o => $"{o.Method} {o.Path}").ToHashSet();

        var mapped = ApiEndpoints(app);

        Assert.True(mapped.Except(documented).ToList() is [], "Endpoints missing from /openapi/v1.json: " + string.Join(", ", mapped.Except(documented)));
        Assert.True(documented.Except(mapped).ToList() is [], "Documented operations the app does not map: " + string.Join(", ", documented.Except(mapped)));
    }

    [Fact]
    public async Task Document_EachOperation_DeclaresItsSuccessItsProblemsAndItsBody()
    {
        var document = await ReadDocumentAsync(app.CreateClient());
        var failures = new List<string>();

        foreach (var (method, path, operation) in Operations(document))
        {
            var name = $"{method} {path}";
            var responses = operation.GetProperty("responses").EnumerateObject().ToDictionary(r => r.Name, r => r.Value);
            var successes = responses.Where(r => r.Key.StartsWith('2')).ToList();
            if (successes.Count == 0) failures.Add($"{name}: no success response");
            foreach (var (status, response) in successes)
                if (status is not ("202" or "204") && !response.TryGetProperty("content", out _))
                    failures.Add($"{name}: {status} has no content type or schema");
            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5' && r.Key != "401"))
                if (!response.TryGetProperty("content", out var content) || !content.TryGetProperty("application/problem+json", out _))
                    failures.Add($"{name}: {status} is not declared as application/problem+json");
            if (name != "POST /api/auth/token" && !responses.ContainsKey("401")) failures.Add($"{name}: 401 (sign-in required) not declared");
            var hasBody = operation.TryGetProperty("requestBody", out _);
            if (method is "PUT" or "PATCH" && !hasBody) failures.Add($"{name}: no request body");
        }
        foreach (var withBody in new[] { "POST /api/projects", "POST /api/projects/{projectId}/milestones", "POST /api/projects/{projectId}/photos",
                     "POST /api/search", "POST /api/auth/token", "POST /api/projects/{projectId}/webhooks" })
            if (!Operations(document).Any(o => $"{o.Method} {o.Path}" == withBody && o.Operation.TryGetProperty("requestBody", out _)))
                failures.Add($"{withBody}: no request body");

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Document_Anonymous_NeedsSignInUnlessAnAdminMadeItPublic()
    {
        using var anonymous = await app.CreateBrowserClient().GetAsync("/openapi/v1.json");
        using var docs = await app.CreateBrowserClient().GetAsync("/api/docs");
        await using var open = TrackerApp.Create(settings: new() { ["ApiDocs:Public"] = "true" });
        using var openDocument = await open.CreateBrowserClient().GetAsync("/openapi/v1.json");
        // Scalar answers /api/docs with its page (or a redirect to its canonical address), never the sign-in page.
        using var openDocs = await open.CreateAnonymousClient().GetAsync("/api/docs");

        // A browser is sent to the sign-in page; a script gets 401.
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Contains("/account/login", anonymous.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, docs.StatusCode);
        Assert.Equal(HttpStatusCode.OK, openDocument.StatusCode);
        Assert.Equal("ImaginAI Tracker API", JsonDocument.Parse(await openDocument.Content.ReadAsStringAsync()).RootElement.GetProperty("info").GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.OK, openDocs.StatusCode);
        Assert.DoesNotContain("/account/login", openDocs.RequestMessage!.RequestUri!.ToString());
        Assert.Contains("text/html", openDocs.Content.Headers.ContentType!.ToString());
    }

    internal static async Task<JsonElement> ReadDocumentAsync(HttpClient client)
    {
        var text = await client.GetStringAsync("/openapi/v1.json");
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "imaginai-openapi.json"), text);
        return JsonDocument.Parse(text).RootElement;
    }

    internal static IEnumerable<(string Method, string Path, JsonElement Operation)> Operations(JsonElement document)
    {
        foreach (var path in document.GetProperty("paths").EnumerateObject())
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete"))
                yield return (operation.Name.ToUpperInvariant(), path.Name, operation.Value);
    }

    /// <summary>Every JSON API endpoint the app maps, as "METHOD /api/path/{param}" (route constraints removed).</summary>
    private static HashSet<string> ApiEndpoints(TrackerApp app)
    {
        app.Start();
        var keys = new HashSet<string>();
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var route = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
            if (!route.StartsWith("/api/", StringComparison.Ordinal) || route.StartsWith("/api/docs", StringComparison.Ordinal)) continue;
            route = System.Text.RegularExpressions.Regex.Replace(route, @"\{(\w+)(:[^}]*)?\}", "{$1}");
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []) keys.Add($"{method} {route}");
        }
        return keys;
    }
}
