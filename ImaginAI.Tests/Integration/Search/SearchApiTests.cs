using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ImaginAI.Tests.Integration.Accounts;
using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.Search;

/// <summary>
/// One project with four real photos (one of them the scene the queries revisit) and one other project the
/// field user is not a member of, holding the exact same scene.
/// </summary>
public sealed class SearchScenario : TrackerApp, IAsyncLifetime
{
    public long ProjectId { get; private set; }
    public long HiddenProjectId { get; private set; }
    public long TwinId { get; private set; }
    public long HiddenTwinId { get; private set; }
    public TestUser Field { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var team = await this.CreateTeamAsync("Search site");
        ProjectId = team.ProjectId;
        Field = team.Field;
        using var manager = CreateClientWithToken(team.Manager.Token);
        var milestone = await AddMilestoneAsync(ProjectId, "Cladding", manager);
        var ids = new List<long>();
        foreach (var name in new[] { "Garden.jpg", "Dune.jpg", "Storm.jpg" })
            ids.Add(await UploadOneAsync(ProjectId, name, RealPhotos.Read(name), client: manager));
        TwinId = await UploadOneAsync(ProjectId, "wood.jpg", RealPhotos.Read("Wood.jpg"), milestone, manager);
        ids.Add(TwinId);

        var other = await this.CreateTeamAsync("Somebody else's site");
        HiddenProjectId = other.ProjectId;
        using var otherManager = CreateClientWithToken(other.Manager.Token);
        HiddenTwinId = await UploadOneAsync(HiddenProjectId, "wood-elsewhere.jpg", PhotoVariants.Resize(RealPhotos.Read("Wood.jpg"), 0.9f), client: otherManager);
        ids.Add(HiddenTwinId);
        foreach (var id in ids) await WaitUntilDecidedAsync(id);
    }

    public static MultipartFormDataContent Query(byte[] photo, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(photo);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "file", "query.jpg");
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        return form;
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
}

public sealed class SearchApiTests(SearchScenario scenario) : IClassFixture<SearchScenario>
{
    private static List<JsonElement> Results(JsonElement body) => body.GetProperty("results").EnumerateArray().ToList();

    [Fact]
    public async Task Search_RevisitOfAStoredScene_ReturnsTheTwinFirstVerified()
    {
        using var client = scenario.CreateClientWithToken(scenario.Field.Token);
        var revisit = PhotoVariants.SecondVisit(RealPhotos.Read("Wood.jpg"));

        using var response = await client.PostAsync("/api/search", SearchScenario.Query(revisit));
        var body = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("model").GetString()));
        var results = Results(body);
        Assert.Equal(scenario.TwinId, results[0].GetProperty("photoId").GetInt64());
        Assert.True(results[0].GetProperty("verified").GetBoolean());
        Assert.Equal(scenario.ProjectId, results[0].GetProperty("projectId").GetInt64());
        Assert.NotEqual(JsonValueKind.Null, results[0].GetProperty("milestoneId").ValueKind);
        Assert.True(results[0].GetProperty("score").GetDouble() > results[1].GetProperty("score").GetDouble());
    }

    [Fact]
    public async Task Search_ExactCopyOfAStoredPhoto_ScoresAsIdentical()
    {
        using var client = scenario.CreateClientWithToken(scenario.Field.Token);

        using var response = await client.PostAsync("/api/search", SearchScenario.Query(RealPhotos.Read("Wood.jpg")));

        var best = Results(await response.ReadJsonAsync())[0];
        Assert.Equal(scenario.TwinId, best.GetProperty("photoId").GetInt64());
        // The query is embedded exactly as the stored photo was, so the same file is the same vector.
        Assert.True(best.GetProperty("score").GetDouble() >= 0.999, $"score {best.GetProperty("score").GetDouble()}");
    }

    [Fact]
    public async Task Search_ByFieldUser_NeverReturnsPhotosOfProjectsTheyAreNotIn()
    {
        using var client = scenario.CreateClientWithToken(scenario.Field.Token);

        using var response = await client.PostAsync("/api/search", SearchScenario.Query(RealPhotos.Read("Wood.jpg"), ("k", "50")));
        using var hidden = await client.PostAsync("/api/search", SearchScenario.Query(RealPhotos.Read("Wood.jpg"), ("projectId", scenario.HiddenProjectId.ToString())));

        var results = Results(await response.ReadJsonAsync());
        Assert.Equal(4, results.Count);
        Assert.All(results, r => Assert.Equal(scenario.ProjectId, r.GetProperty("projectId").GetInt64()));
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
    }

    [Fact]
    public async Task Search_ByAdminAcrossProjects_FindsBothTwinsAndKLimitsTheList()
    {
        using var client = scenario.CreateClientWithToken(scenario.AdminToken);

        using var response = await client.PostAsync("/api/search", SearchScenario.Query(RealPhotos.Read("Wood.jpg"), ("k", "2")));

        var results = Results(await response.ReadJsonAsync());
        Assert.Equal(2, results.Count);
        Assert.Equal(new[] { scenario.TwinId, scenario.HiddenTwinId }.Order(), results.Select(r => r.GetProperty("photoId").GetInt64()).Order());
    }

    [Fact]
    public async Task Search_WithRegion_SearchesOnlyThatPartOfThePhoto()
    {
        // The query is Dune beside Wood; the region covers only the Wood half.
        var sideBySide = PhotoVariants.SideBySide(RealPhotos.Read("Dune.jpg"), RealPhotos.Read("Wood.jpg"));
        using var client = scenario.CreateClientWithToken(scenario.Field.Token);

        using var left = await client.PostAsync("/api/search", SearchScenario.Query(sideBySide, ("region", "0,0,0.5,1")));
        using var right = await client.PostAsync("/api/search", SearchScenario.Query(sideBySide, ("region", "0.5,0,0.5,1")));

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(scenario.TwinId, Results(await right.ReadJsonAsync())[0].GetProperty("photoId").GetInt64());
        Assert.NotEqual(scenario.TwinId, Results(await left.ReadJsonAsync())[0].GetProperty("photoId").GetInt64());
    }

    [Fact]
    public async Task Search_AnyQuery_StoresNothing()
    {
        using var client = scenario.CreateClientWithToken(scenario.Field.Token);
        var filesBefore = Snapshot();
        var rowsBefore = await CountRowsAsync();

        using var response = await client.PostAsync("/api/search", SearchScenario.Query(PhotoVariants.Crop(RealPhotos.Read("Storm.jpg"), 0.7f)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(rowsBefore, await CountRowsAsync());
        Assert.Equal(filesBefore, Snapshot());
    }

    [Theory]
    [InlineData("not a photo at all", null, "Not a photo we can read")]
    [InlineData(null, "0.5,0.5,0.9,0.9", "Region not understood")]
    [InlineData(null, "left half", "Region not understood")]
    public async Task Search_BadInput_Returns400InPlainWords(string? body, string? region, string title)
    {
        using var client = scenario.CreateClientWithToken(scenario.Field.Token);
        var photo = body is null ? RealPhotos.Read("Wood.jpg") : System.Text.Encoding.UTF8.GetBytes(body);
        var fields = region is null ? Array.Empty<(string, string)>() : [("region", region)];

        using var response = await client.PostAsync("/api/search", SearchScenario.Query(photo, fields));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(title, (await response.ReadJsonAsync()).GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("1e300,1e300,1e300,1e300", null, "Region not understood")]
    [InlineData("0,0,1e300,200", null, "Region not understood")]
    [InlineData("-1e300,0,100,100", null, "Region not understood")]
    [InlineData(null, "99999999999", "Number of results not understood")]
    [InlineData(null, "0", "Number of results not understood")]
    [InlineData(null, "-3", "Number of results not understood")]
    [InlineData(null, "51", "Number of results not understood")]
    public async Task Search_NumbersOutOfRange_Returns400InsteadOf500(string? region, string? k, string title)
    {
        using var client = scenario.CreateClientWithToken(scenario.Field.Token);
        var fields = new List<(string, string)>();
        if (region is not null) fields.Add(("region", region));
        if (k is not null) fields.Add(("k", k));

        using var response = await client.PostAsync("/api/search", SearchScenario.Query(RealPhotos.Read("Wood.jpg"), [.. fields]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(title, (await response.ReadJsonAsync()).GetProperty("title").GetString());
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(20, 300)]
    public async Task Search_QueryUnder32Pixels_Returns400PhotoTooSmall(int width, int height)
    {
        using var client = scenario.CreateClientWithToken(scenario.Field.Token);

        using var response = await client.PostAsync("/api/search", SearchScenario.Query(TestImages.QuadrantsGif(width, height)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        Assert.Equal("Photo too small", problem.GetProperty("title").GetString());
        Assert.Contains($"{width} × {height} pixels", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Search_Png10000Squared_Returns400PhotoTooLargeWithoutDecodingIt()
    {
        using var client = scenario.CreateClientWithToken(scenario.Field.Token);

        // The probe's 389 KB PNG took the server from 480 MB to 2 GB; now it is refused from its header.
        using var response = await client.PostAsync("/api/search", SearchScenario.Query(TestImages.PngBomb(10000, 10000)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        Assert.Equal("Photo too large", problem.GetProperty("title").GetString());
        Assert.Contains("a PNG file may have at most 16 megapixels", problem.GetProperty("detail").GetString());
    }

    private async Task<(long Photos, long Embeddings)> CountRowsAsync() =>
        (await TrackerDatabase.QueryAsync<(long, long)>(scenario.DatabasePath,
            "SELECT (SELECT COUNT(*) FROM photos), (SELECT COUNT(*) FROM embeddings)"))[0];

    // Every file under the data directory with its size, except SQLite's own files and the similarity index's saved
    // copy, which maintenance rewrites from the database on its own schedule.
    private List<string> Snapshot() => Directory.EnumerateFiles(scenario.DataDirectory, "*", SearchOption.AllDirectories)
        .Where(f => !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal) && !f.EndsWith("tracker.db", StringComparison.Ordinal)
            && !f.EndsWith(".vidx", StringComparison.Ordinal))
        .Select(f => $"{f}:{new FileInfo(f).Length}").Order().ToList();
}
