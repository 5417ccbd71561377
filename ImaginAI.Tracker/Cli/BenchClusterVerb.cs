using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

namespace ImaginAI.Tracker.Cli;

/// <summary>
/// <c>bench cluster --postgres CS --redis CS [--photos DIR] [--count N] [--long-side PX]</c>: the throughput of one node,
/// then of two nodes, in the same run, each on a fresh PostgreSQL database of the server <c>--postgres</c> names, sharing
/// <c>--redis</c> and one temp data directory. The photos are uploaded four at a time, alternating between the nodes as a
/// load balancer would, while a SignalR client on the last node counts the decisions it hears of. Reports decided/s
/// from the first upload to the last decision, each node's share (from its /metrics) and the events heard. Both
/// nodes run on this machine's cores, so on one machine this measures the cost of coordination, not added capacity.
/// Prints a table and ends with one JSON line. A measurement, not a test: it asserts nothing.
/// </summary>
internal static class BenchClusterVerb
{
    public const string Usage = "usage: bench cluster --postgres CONNECTION --redis CONNECTION [--photos DIR] [--count N] [--long-side PX]";
    private const string AdminEmail = "bench@imaginai.test";
    private const string AdminPassword = "bench passphrase for the cluster";
    private const int ConcurrentUploads = 4;

    private sealed record Run(int Nodes, int Photos, double Seconds, IReadOnlyList<long> DecidedBy, int EventsHeard)
    {
        public double PerSecond => Photos / Seconds;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var (flags, operands) = CliVerbs.Parse(args);
        var photos = flags.GetValueOrDefault("--photos") ?? Environment.GetEnvironmentVariable("IMAGINAI_PHOTOS");
        var count = flags.TryGetValue("--count", out var c) && int.TryParse(c, CultureInfo.InvariantCulture, out var n) ? n : flags.ContainsKey("--count") ? -1 : 200;
        var longSide = flags.TryGetValue("--long-side", out var l) && int.TryParse(l, CultureInfo.InvariantCulture, out var s) ? s : flags.ContainsKey("--long-side") ? -1 : 1600;
        if (operands.Count > 0 || photos is null || !Directory.Exists(photos) || count < 1 || longSide < 64
            || flags.GetValueOrDefault("--postgres") is not { Length: > 0 } postgres || flags.GetValueOrDefault("--redis") is not { Length: > 0 } redis)
        {
            error.WriteLine(Usage);
            error.WriteLine("  --postgres names a PostgreSQL server where databases may be created and dropped; --redis a Redis server; --photos (or IMAGINAI_PHOTOS) a folder of JPEGs.");
            return 2;
        }
        output.WriteLine($"bench cluster: {Environment.ProcessorCount} cores shared by every node, load average {VisionBenchmark.LoadAverage()}");
        var set = PhotoSet.Make(photos, count, longSide, seed: 7);
        output.WriteLine($"{count} uploads of {longSide}-px JPEGs made from {photos}");
        var runs = new List<Run>();
        foreach (var nodes in new[] { 1, 2 }) runs.Add(await RunOnceAsync(nodes, set, postgres, redis, output));

        output.WriteLine();
        output.WriteLine("| nodes | photos | seconds | decided/s | decided by each node | decisions heard on the last node |");
        output.WriteLine("|---:|---:|---:|---:|---|---:|");
        foreach (var run in runs)
            output.WriteLine(FormattableString.Invariant($"| {run.Nodes} | {run.Photos} | {run.Seconds:F1} | {run.PerSecond:F2} | {string.Join(" / ", run.DecidedBy)} | {run.EventsHeard} |"));
        var load = VisionBenchmark.LoadAverage();
        output.WriteLine($"load average after: {load}");
        output.WriteLine(JsonSerializer.Serialize(new
        {
            bench = "cluster",
            cores = Environment.ProcessorCount,
            photos = count,
            oneNodePerSecond = Math.Round(runs[0].PerSecond, 2),
            twoNodesPerSecond = Math.Round(runs[1].PerSecond, 2),
            ratio = Math.Round(runs[1].PerSecond / runs[0].PerSecond, 2),
            twoNodesShare = runs[1].DecidedBy,
            eventsHeard = runs[1].EventsHeard,
            loadAverage = load,
        }));
        return runs.All(r => r.DecidedBy.Sum() == r.Photos) ? 0 : 1;
    }

    private static async Task<Run> RunOnceAsync(int nodeCount, IReadOnlyList<(string FileName, byte[] Bytes)> photos, string postgres, string redis, TextWriter output)
    {
        var database = "imaginai_bench_" + Guid.NewGuid().ToString("N")[..12];
        var server = new NpgsqlConnectionStringBuilder(postgres);
        await ExecuteAsync(server.ConnectionString, $"CREATE DATABASE {database}");
        var data = Directory.CreateTempSubdirectory("imaginai-bench-cluster-").FullName;
        var prefix = "bench-" + Guid.NewGuid().ToString("N");
        var nodes = new List<ServerProcess>();
        try
        {
            for (var i = 0; i < nodeCount; i++)
            {
                var node = new ServerProcess(ServerProcess.ThisTrackerDll, data, new Dictionary<string, string?>
                {
                    ["Admin:Email"] = AdminEmail,
                    ["Admin:Password"] = AdminPassword,
                    ["Database:Provider"] = "postgres",
                    ["ConnectionStrings:Postgres"] = new NpgsqlConnectionStringBuilder(postgres) { Database = database }.ConnectionString,
                    ["Database:NodeId"] = $"node-{i + 1}",
                    ["ConnectionStrings:Redis"] = redis,
                    ["Cluster:ChannelPrefix"] = prefix,
                    ["Metrics:Enabled"] = "true",
                });
                await node.StartAsync();
                nodes.Add(node);
            }
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            var login = await http.PostAsJsonAsync(new Uri(nodes[0].BaseAddress, "api/auth/token"), new { email = AdminEmail, password = AdminPassword });
            login.EnsureSuccessStatusCode();
            var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var project = await http.PostAsJsonAsync(new Uri(nodes[0].BaseAddress, "api/projects"), new { name = "Bench site" });
            var projectId = (await project.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

            var heard = new ConcurrentDictionary<long, byte>();
            await using var watcher = new HubConnectionBuilder()
                .WithUrl(new Uri(nodes[^1].BaseAddress, "hubs/timeline"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
                .Build();
            watcher.On<JsonElement>("photoUpdated", photo =>
            {
                if (photo.GetProperty("status").GetString() is "matched" or "unmatched" or "failed") heard[photo.GetProperty("id").GetInt64()] = 0;
            });
            await watcher.StartAsync();
            await watcher.InvokeAsync("JoinProject", projectId);

            var clock = Stopwatch.StartNew();
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, ConcurrentUploads).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < photos.Count)
                {
                    using var form = new MultipartFormDataContent();
                    var part = new ByteArrayContent(photos[i].Bytes);
                    part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                    form.Add(part, "files", photos[i].FileName);
                    using var response = await http.PostAsync(new Uri(nodes[i % nodes.Count].BaseAddress, $"api/projects/{projectId}/photos"), form);
                    response.EnsureSuccessStatusCode();
                }
            }));
            var deadline = DateTime.UtcNow.AddMinutes(30);
            long decided = 0;
            while (DateTime.UtcNow < deadline)
            {
                var jobs = await http.GetFromJsonAsync<JsonElement>(new Uri(nodes[0].BaseAddress, "api/admin/jobs"));
                var counts = jobs.GetProperty("photos");
                decided = new[] { "matched", "unmatched", "failed" }.Sum(st => counts.TryGetProperty(st, out var v) ? v.GetInt64() : 0);
                if (decided >= photos.Count) break;
                await Task.Delay(200);
            }
            var seconds = clock.Elapsed.TotalSeconds;
            await Task.Delay(1000); // the last events on their way
            var decidedBy = new List<long>();
            foreach (var node in nodes) decidedBy.Add(await DecisionsAsync(http, node));
            output.WriteLine(FormattableString.Invariant($"{nodeCount} node(s): {decided} of {photos.Count} decided in {seconds:F1} s; by node {string.Join(" / ", decidedBy)}; heard {heard.Count}"));
            return new Run(nodeCount, photos.Count, seconds, decidedBy, heard.Count);
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(server.ConnectionString, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<long> DecisionsAsync(HttpClient http, ServerProcess node)
    {
        var scrape = await http.GetStringAsync(new Uri(node.BaseAddress, "metrics"));
        return scrape.Split('\n')
            .Where(line => line.StartsWith("imaginai_decisions_total", StringComparison.Ordinal))
            .Sum(line => (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
