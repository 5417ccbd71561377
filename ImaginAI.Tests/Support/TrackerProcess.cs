using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tracker.Cli;

namespace ImaginAI.Tests.Support;

/// <summary>
/// The built Tracker (ImaginAI.Tracker/bin/…/ImaginAI.Tracker.dll) as a separate process on 127.0.0.1, with the test
/// admin and short job intervals, on a fresh temp data directory that outlives kills and restarts. For tests that
/// must see the server from outside: SIGKILL at any moment, or its peak resident memory. Disposing stops the process
/// and deletes the data directory.
/// </summary>
public sealed class TrackerProcess : IAsyncDisposable
{
    private string? adminToken;

    /// <param name="settings">Configuration on top of the defaults every node gets, as environment variables would give it.</param>
    /// <param name="dataDirectory">A directory to share with other nodes (the caller then owns its database); a fresh one by default.</param>
    public TrackerProcess(Dictionary<string, string?>? settings = null, string? dataDirectory = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Admin:Email"] = TrackerApp.AdminEmail,
            ["Admin:Password"] = TrackerApp.AdminPassword,
            ["Accounts:SignInAttemptsPerMinute"] = "10000",
            ["Embedding:IntervalSeconds"] = "1",
            ["Embedding:RetryBackoffSeconds"] = "0.2",
            ["Matching:IntervalSeconds"] = "1",
        };
        if (dataDirectory is null)
        {
            dataDirectory = Path.Combine(Path.GetTempPath(), "imaginai-tests", "process-" + Guid.NewGuid().ToString("N"));
            foreach (var (key, value) in TestDatabase.Settings(dataDirectory)) all[key] = value;
        }
        foreach (var (key, value) in settings ?? []) all[key] = value;
        Server = new ServerProcess(TrackerDll, dataDirectory, all);
        Http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
    }

    /// <summary>The Tracker project's own build output, in the configuration the tests were built in.</summary>
    public static string TrackerDll
    {
        get
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var built = Path.Combine(RepoRoot.Path, "ImaginAI.Tracker", "bin", testOutput.Parent!.Name, testOutput.Name, "ImaginAI.Tracker.dll");
            return File.Exists(built) ? built : throw new FileNotFoundException("Build the solution first: no " + built);
        }
    }

    public ServerProcess Server { get; }

    /// <summary>A client without a base address: the port changes at each restart, so call <see cref="Url"/> per request.</summary>
    public HttpClient Http { get; }

    public string DataDirectory => Server.DataDirectory;
    /// <summary>The SQLite file, or under PostgreSQL the connection string of the process's database.</summary>
    public string DatabasePath => TestDatabase.Locate(DataDirectory);

    public Uri Url(string path) => new(Server.BaseAddress, path.TrimStart('/'));

    public async Task StartAsync()
    {
        await Server.StartAsync();
        if (adminToken is not null) return;
        var response = await Http.PostAsJsonAsync(Url("/api/auth/token"), new { email = TrackerApp.AdminEmail, password = TrackerApp.AdminPassword });
        response.EnsureSuccessStatusCode();
        adminToken = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
    }

    public string AdminToken => adminToken ?? throw new InvalidOperationException("Start the server first.");

    public async Task<long> CreateProjectAsync(string name)
    {
        var response = await Http.PostAsJsonAsync(Url("/api/projects"), new { name });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    public async Task<long> AddMilestoneAsync(long projectId, string name)
    {
        var response = await Http.PostAsJsonAsync(Url($"/api/projects/{projectId}/milestones"), new { name });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    /// <summary>One multipart upload of the files, as the phone app sends it.</summary>
    public async Task<HttpResponseMessage> UploadAsync(long projectId, IEnumerable<(string FileName, byte[] Bytes)> files, long? milestoneId = null,
        CancellationToken cancellationToken = default)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (fileName, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(part, "files", fileName);
        }
        if (milestoneId is not null) form.Add(new StringContent(milestoneId.Value.ToString()), "milestoneId");
        return await Http.PostAsync(Url($"/api/projects/{projectId}/photos"), form, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Http.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        TestDatabase.DropFor(DataDirectory);
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
