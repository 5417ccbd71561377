using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Integration.Accounts;
using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.Cluster;

/// <summary>
/// Two Tracker processes on different loopback ports sharing one PostgreSQL database, one Redis (with a channel prefix
/// of their own) and one photo directory, as docs/SCALING.md sets them up. Null servers (a developer's machine without
/// IMAGINAI_TEST_POSTGRES or IMAGINAI_TEST_REDIS) leave <see cref="Available"/> false; under CI that fails instead.
/// </summary>
public sealed class TwoNodes : IAsyncLifetime
{
    /// <summary>Two-node tests run one after another: each starts two servers, and the machine may have two cores.</summary>
    public const string Collection = "two nodes";

    private readonly string directory = Path.Combine(Path.GetTempPath(), "imaginai-tests", "cluster-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> extra;

    public TwoNodes() : this([]) { }

    internal TwoNodes(Dictionary<string, string?> settings) => extra = settings;

    public bool Available { get; private set; }
    public TrackerProcess A { get; private set; } = null!;
    public TrackerProcess B { get; private set; } = null!;
    public string Database { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var postgres = TestDatabase.ServerOrNull();
        var redis = Environment.GetEnvironmentVariable("IMAGINAI_TEST_REDIS");
        if (redis is null) Assert.NotEqual("true", Environment.GetEnvironmentVariable("CI"));
        if (postgres is null || redis is null) return;
        Environment.SetEnvironmentVariable("IMAGINAI_TEST_POSTGRES", postgres);
        // CREATE DATABASE waits for the server's template lock; on a loaded machine beside other tests' databases that
        // can outlast a connection's timeout, which says nothing about two nodes.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Database = TestDatabase.CreateFor(directory);
                break;
            }
            catch (Npgsql.NpgsqlException) when (attempt < 3)
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
        var prefix = "test-" + Guid.NewGuid().ToString("N");
        Dictionary<string, string?> Node(string name)
        {
            var settings = new Dictionary<string, string?>
            {
                ["Database:Provider"] = "postgres",
                ["ConnectionStrings:Postgres"] = Database,
                ["Database:NodeId"] = name,
                ["ConnectionStrings:Redis"] = redis,
                ["Cluster:ChannelPrefix"] = prefix,
                ["Metrics:Enabled"] = "true",
                // Only the cluster message can close a connection at once: the timer would take an hour.
                ["Accounts:LiveRecheckSeconds"] = "3600",
            };
            foreach (var (key, value) in extra) settings[key] = value;
            return settings;
        }
        A = new TrackerProcess(Node("node-a"), directory);
        B = new TrackerProcess(Node("node-b"), directory);
        await A.StartAsync();
        await B.StartAsync();
        Available = true;
    }

    /// <summary>Photos decided (matched or unmatched) by one node, from its own /metrics.</summary>
    public static async Task<long> DecisionsByAsync(TrackerProcess node)
    {
        var scrape = await node.Http.GetStringAsync(node.Url("/metrics"));
        return scrape.Split('\n')
            .Where(line => line.StartsWith("imaginai_decisions_total", StringComparison.Ordinal))
            .Sum(line => (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    /// <summary>A browser on one node (cookies kept, no redirects followed), signed in through its login form.</summary>
    public static async Task<HttpClient> SignInAsync(TrackerProcess node, string email, string password)
    {
        var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = node.Url("/"),
        };
        var response = await browser.PostLoginAsync(email, password);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"sign-in on {node.Url("/")} answered {(int)response.StatusCode}");
        return browser;
    }

    public Task<long> CountAsync(string where) =>
        TrackerDatabase.ScalarAsync<long>(Database, $"SELECT COUNT(*) FROM photos WHERE {where}");

    public static async Task<JsonElement> TokenAsync(TrackerProcess node, string email, string password)
    {
        var response = await node.Http.PostAsJsonAsync(node.Url("/api/auth/token"), new { email, password });
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task DisposeAsync()
    {
        if (!Available) return;
        await B.DisposeAsync();
        await A.DisposeAsync();
        TestDatabase.DropFor(directory, always: true);
    }
}
