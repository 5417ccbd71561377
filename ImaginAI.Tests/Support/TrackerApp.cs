using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ImaginAI.Tests.Support;

/// <summary>
/// The real Tracker app (real SQLite file, real model, real Quartz jobs, real SignalR) on a fresh temp data
/// directory, with short job intervals.
/// <para>
/// Use it as an xunit class fixture (<c>IClassFixture&lt;TrackerApp&gt;</c>) for one app per test class, or create one
/// in a test and dispose it. <see cref="KestrelTrackerApp"/> (or <c>TrackerApp.Create(kestrel: true)</c>) listens on a
/// real port on 127.0.0.1 for a browser or any out-of-process client: <see cref="BaseAddress"/> starts it and says
/// where. Without Kestrel it runs on the in-memory test server; <c>CreateClient()</c> and
/// <see cref="CreateHubConnection"/> work in both.
/// Extra configuration: <c>TrackerApp.Create(settings: new() { ["Matching:DefaultThreshold"] = "0.7" })</c>.
/// To restart on the same data (a crash/restart test), give each app the same directory of your own:
/// <c>TrackerApp.Create(dataDirectory: dir)</c>; a directory passed in is not deleted on dispose (one the app made
/// itself is).
/// </para>
/// <para>
/// Every endpoint needs a signed-in user: the app starts with an admin (<see cref="AdminEmail"/>, created from
/// Admin:Email/Admin:Password), and <c>CreateClient()</c> and <see cref="CreateHubConnection"/> act as that admin
/// through a bearer token. <see cref="CreateAnonymousClient"/> and <see cref="CreateClientWithToken"/> act as
/// nobody or as someone else.
/// </para>
/// </summary>
public class TrackerApp : WebApplicationFactory<Program>
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    public const string AdminEmail = "admin@tracker.test";
    public const string AdminPassword = "admin-password-for-tests";

    private readonly bool kestrel;
    private readonly bool ownsDataDirectory;
    private readonly Dictionary<string, string?> settings;

    public TrackerApp() : this(kestrel: false, dataDirectory: null, settings: null) { }

    /// <summary>An app with options (xunit fixtures need the parameterless constructor, hence this factory).</summary>
    public static TrackerApp Create(bool kestrel = false, string? dataDirectory = null, Dictionary<string, string?>? settings = null) =>
        new(kestrel, dataDirectory, settings);

    protected TrackerApp(bool kestrel, string? dataDirectory, Dictionary<string, string?>? settings)
    {
        this.kestrel = kestrel;
        ownsDataDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "imaginai-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
        this.settings = new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = DataDirectory,
            ["Embedding:IntervalSeconds"] = "1",
            ["Embedding:RetryBackoffSeconds"] = "0.2",
            ["Matching:IntervalSeconds"] = "1",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Admin:Email"] = AdminEmail,
            ["Admin:Password"] = AdminPassword,
            // Tests sign in far more often than people do; the rate-limit test sets its own limit.
            ["Accounts:SignInAttemptsPerMinute"] = "10000",
        };
        foreach (var (key, value) in TestDatabase.Settings(DataDirectory)) this.settings[key] = value;
        foreach (var (key, value) in settings ?? []) this.settings[key] = value;
        if (kestrel) UseKestrel(0);
        adminToken = new Lazy<string>(() => Task.Run(() => CreateTokenAsync(AdminEmail)).GetAwaiter().GetResult());
    }

    private readonly Lazy<string> adminToken;

    /// <summary>A bearer token of the seeded admin.</summary>
    public string AdminToken => adminToken.Value;

    /// <summary>Issues a new API token for an existing user, as the account page would.</summary>
    public async Task<string> CreateTokenAsync(string email)
    {
        Start();
        await using var scope = Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<ImaginAI.Tracker.Accounts.UserRepository>().GetByEmailAsync(email)
            ?? throw new InvalidOperationException($"No user {email}.");
        var (_, token) = await scope.ServiceProvider.GetRequiredService<ImaginAI.Tracker.Accounts.AccountService>().CreateTokenAsync(user, "tests");
        return token;
    }

    /// <summary>CreateClient() signs in as the admin; this client is not signed in.</summary>
    public HttpClient CreateAnonymousClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }

    public HttpClient CreateClientWithToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        // An app started without an admin (a first-run test) has nobody to act as.
        if (!string.IsNullOrEmpty(settings["Admin:Email"]))
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
    }

    public string DataDirectory { get; }
    /// <summary>The app's database for <see cref="Integration.TrackerDatabase"/>: the SQLite file, or under PostgreSQL its connection string.</summary>
    public string DatabasePath => TestDatabase.Locate(DataDirectory);
    public string PhotosDirectory => Path.Combine(DataDirectory, "photos");

    /// <summary>Where the app listens: http://127.0.0.1:port/ with Kestrel, the test server's address otherwise.</summary>
    public Uri BaseAddress
    {
        get
        {
            Start();
            if (!kestrel) return Server.BaseAddress;
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Uri(address.Replace("localhost", "127.0.0.1").TrimEnd('/') + "/");
        }
    }

    /// <summary>
    /// Waits until the background scheduler runs: Quartz starts it just after the host has started, so a health check
    /// asked at once may find it still starting.
    /// </summary>
    public async Task WaitUntilSchedulerRunsAsync()
    {
        Start();
        var scheduler = await Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (scheduler.Status is not Quartz.SchedulerStatus.Running && DateTime.UtcNow < deadline) await Task.Delay(50);
    }

    /// <summary>Starts the app (and its Quartz jobs) now rather than on the first request.</summary>
    public void Start()
    {
        if (kestrel) StartServer();
        else _ = Server;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        if (kestrel) builder.UseUrls("http://127.0.0.1:0");
    }

    /// <summary>A real SignalR client for /hubs/timeline (not started), as the admin unless given another token.</summary>
    public HubConnection CreateHubConnection(string? bearerToken = null, bool anonymous = false)
    {
        var url = new Uri(BaseAddress, "hubs/timeline");
        var token = anonymous ? null : bearerToken ?? AdminToken;
        return new HubConnectionBuilder()
            .WithUrl(url, options =>
            {
                if (token is not null) options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                if (kestrel) return;
                options.HttpMessageHandlerFactory = _ => Server.CreateHandler();
                options.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling;
            })
            .Build();
    }

    public async Task<JsonElement> CreateProjectAsync(string name, HttpClient? client = null)
    {
        client ??= CreateClient();
        var response = await client.PostAsJsonAsync("/api/projects", new { name });
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(Json);
    }

    public async Task<long> AddMilestoneAsync(long projectId, string name, HttpClient? client = null)
    {
        client ??= CreateClient();
        var response = await client.PostAsJsonAsync($"/api/projects/{projectId}/milestones", new { name });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("id").GetInt64();
    }

    /// <summary>POSTs the files as one multipart upload and returns the raw response.</summary>
    public async Task<HttpResponseMessage> UploadAsync(long projectId, IEnumerable<(string FileName, byte[] Bytes)> files,
        long? milestoneId = null, HttpClient? client = null)
    {
        client ??= CreateClient();
        using var form = new MultipartFormDataContent();
        foreach (var (fileName, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", fileName);
        }
        if (milestoneId is not null) form.Add(new StringContent(milestoneId.Value.ToString()), "milestoneId");
        return await client.PostAsync($"/api/projects/{projectId}/photos", form);
    }

    /// <summary>Uploads one photo that must be accepted and returns its id.</summary>
    public async Task<long> UploadOneAsync(long projectId, string fileName, byte[] bytes, long? milestoneId = null, HttpClient? client = null)
    {
        var response = await UploadAsync(projectId, [(fileName, bytes)], milestoneId, client);
        var body = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 202) throw new InvalidOperationException($"Upload of {fileName} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement[0].GetProperty("id").GetInt64();
    }

    public async Task<JsonElement> GetPhotoAsync(long photoId, HttpClient? client = null)
    {
        client ??= CreateClient();
        return await client.GetFromJsonAsync<JsonElement>($"/api/photos/{photoId}", Json);
    }

    /// <summary>Polls GET /api/photos/{id} until its status is one of <paramref name="statuses"/>; fails after the timeout.</summary>
    public async Task<JsonElement> WaitForStatusAsync(long photoId, string[] statuses, TimeSpan? timeout = null, HttpClient? client = null)
    {
        client ??= CreateClient();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(3));
        while (true)
        {
            var photo = await GetPhotoAsync(photoId, client);
            if (statuses.Contains(photo.GetProperty("status").GetString())) return photo;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Photo {photoId} did not reach {string.Join("/", statuses)}: {photo}");
            await Task.Delay(200);
        }
    }

    public Task<JsonElement> WaitUntilDecidedAsync(long photoId, TimeSpan? timeout = null, HttpClient? client = null) =>
        WaitForStatusAsync(photoId, ["matched", "unmatched", "failed"], timeout, client);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (ownsDataDirectory)
        {
            TestDatabase.DropFor(DataDirectory);
            try { Directory.Delete(DataDirectory, recursive: true); }
            catch (IOException) { }
        }
    }
}

/// <summary>A <see cref="TrackerApp"/> on a real Kestrel port on 127.0.0.1, usable as an xunit class fixture.</summary>
public sealed class KestrelTrackerApp : TrackerApp
{
    public KestrelTrackerApp() : base(kestrel: true, dataDirectory: null, settings: null) { }
}
