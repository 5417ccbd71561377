using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ImaginAI.Vision;
using ImaginAI.Vision.Decoding;
using ImaginAI.Vision.Verification;
using Microsoft.AspNetCore.SignalR.Client;
using SkiaSharp;

namespace ImaginAI.Tracker.Cli;

/// <summary>
/// <c>bench ingest [--photos DIR] [--count N] [--rate R] [--milestones M] [--app DLL] [--decisions FILE]</c>: starts the real server
/// (this build, or the one <c>--app</c> names, to measure a baseline) on a loopback port with a fresh data directory,
/// creates a project whose milestones have reference photos, uploads N 12-MP photos through the HTTP API (as fast as
/// they are accepted, four at a time, or at R photos/s) while a SignalR client listens, and reports the rate from
/// upload to decided, the latency from each upload's 202 to its final <c>photoUpdated</c> event, the timeline API's
/// latency during the backlog, the CPU time per photo of each stage and the embedding-only rate measured in the same
/// run. <c>--decisions</c> writes each upload's outcome (status, milestone), to compare two builds' decisions.
/// <c>--provider postgres</c> runs the server on a fresh database of the PostgreSQL server <c>--postgres</c> names;
/// <c>--provider both</c> runs it on SQLite and then on PostgreSQL in the same run, with the same photos.
/// Prints a table and ends with one JSON line. A measurement, not a test: it asserts nothing.
/// </summary>
internal static class BenchIngestVerb
{
    public const string Usage = "usage: bench ingest [--photos DIR] [--count N] [--rate R] [--milestones M] [--app TRACKER_DLL] [--decisions FILE] [--provider sqlite|postgres|both --postgres \"Host=…\"]";

    public static async Task<int> RunAsync(string[] args, VisionOptions vision, TextWriter output, TextWriter error)
    {
        var (flags, operands) = CliVerbs.Parse(args);
        var photos = flags.GetValueOrDefault("--photos") ?? Environment.GetEnvironmentVariable("IMAGINAI_PHOTOS");
        if (operands.Count > 0 || photos is null || !Directory.Exists(photos)
            || !TryNumber(flags, "--count", 1000, out var count) || count < 1
            || !TryNumber(flags, "--rate", 0, out var rate) || rate < 0
            || !TryNumber(flags, "--milestones", 6, out var milestones) || milestones < 1)
        {
            error.WriteLine(Usage);
            error.WriteLine("  --photos (or IMAGINAI_PHOTOS) is a folder of JPEGs; --count and --milestones are whole numbers of at least 1; --rate is photos/s (0: as fast as accepted).");
            return 2;
        }
        var app = flags.GetValueOrDefault("--app") ?? Path.Combine(AppContext.BaseDirectory, "ImaginAI.Tracker.dll");
        if (!File.Exists(app))
        {
            error.WriteLine($"There is no Tracker build at {app}.");
            return 2;
        }
        var provider = flags.GetValueOrDefault("--provider", "sqlite");
        string[]? providers = provider switch { "sqlite" => ["sqlite"], "postgres" => ["postgres"], "both" => ["sqlite", "postgres"], _ => null };
        var postgres = flags.GetValueOrDefault("--postgres");
        if (providers is null || (providers.Contains("postgres") && string.IsNullOrWhiteSpace(postgres)))
        {
            error.WriteLine(Usage);
            error.WriteLine("  --provider is sqlite (default), postgres or both; postgres and both need --postgres naming a PostgreSQL server the bench may create a database on.");
            return 2;
        }
        var bench = new IngestBenchmark(photos, (int)count, rate, (int)milestones, app, flags.GetValueOrDefault("--decisions"), vision, output, providers, postgres);
        return await bench.RunAsync();
    }

    private static bool TryNumber(Dictionary<string, string> flags, string name, double fallback, out double value)
    {
        value = fallback;
        return !flags.TryGetValue(name, out var text) || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}

internal sealed class IngestBenchmark(
    string photosDirectory, int count, double rate, int milestones, string app, string? decisionsFile, VisionOptions vision, TextWriter output,
    IReadOnlyList<string> providers, string? postgresServer)
{
    private const string AdminEmail = "bench@imaginai.test";
    private const string AdminPassword = "bench passphrase for ingest";
    private const int ConcurrentUploads = 4;
    private const int PhoneWidth = 4000, PhoneHeight = 3000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly List<(string Stage, double CpuMsPerPhoto, string Note)> stages = [];
    private Uri baseAddress = new("http://127.0.0.1/");

    public async Task<int> RunAsync()
    {
        var loadBefore = VisionBenchmark.LoadAverage();
        output.WriteLine($"bench ingest: {Environment.ProcessorCount} cores, load average {loadBefore}, server {app}");
        var sources = Directory.GetFiles(photosDirectory).Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).ToList();
        if (sources.Count < 2)
        {
            output.WriteLine($"bench ingest needs at least 2 JPEGs in {photosDirectory}.");
            return 2;
        }
        var references = sources.Take(Math.Min(milestones, sources.Count - 1)).ToList();
        var phonePhotos = MakePhonePhotos(sources, Math.Min(count, 2 * sources.Count));
        output.WriteLine($"{references.Count} milestones with a reference photo each; {count} uploads cycling {phonePhotos.Count} distinct {PhoneWidth}x{PhoneHeight} JPEGs made from {sources.Count} photos in {photosDirectory}");

        var embedOnly = MeasureStages(phonePhotos, references);

        var runs = new List<(string Provider, RunResult Run)>();
        foreach (var provider in providers)
        {
            var data = Directory.CreateTempSubdirectory("imaginai-bench-ingest-").FullName;
            var database = provider == "postgres" ? await BenchDatabase.CreateAsync(postgresServer!) : null;
            using var server = StartServer(data, database);
            try
            {
                if (providers.Count > 1) output.WriteLine($"-- on {provider}");
                var run = await RunServerAsync(server, data, references, phonePhotos);
                var loadAfter = VisionBenchmark.LoadAverage();
                if (decisionsFile is not null) await File.WriteAllLinesAsync(providers.Count > 1 ? $"{decisionsFile}.{provider}" : decisionsFile, run.Decisions);
                Print(run, embedOnly, loadAfter, headline: providers.Count == 1);
                runs.Add((provider, run));
            }
            finally
            {
                if (!server.HasExited) server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
                try { Directory.Delete(data, recursive: true); } catch (IOException) { }
                if (database is not null) await database.DisposeAsync();
            }
        }
        if (providers.Count > 1) PrintComparison(runs);
        return runs.All(r => r.Run.Decided == count) ? 0 : 1;
    }

    /// <summary>The providers side by side, from the same photos in the same run, and one JSON line of both.</summary>
    private void PrintComparison(List<(string Provider, RunResult Run)> runs)
    {
        output.WriteLine();
        output.WriteLine($"{"provider",-10} {"decided/s",10} {"p50 ms",8} {"p95 ms",8} {"ack p95 ms",11} {"timeline p95",13} {"server CPU-ms/photo",20}");
        foreach (var (provider, run) in runs)
            output.WriteLine($"{provider,-10} {run.Decided / Math.Max(run.Seconds, 1e-9),10:F2} {Percentile(run.LatenciesMs, 50),8:F0} {Percentile(run.LatenciesMs, 95),8:F0} {Percentile(run.AckMs, 95),11:F0} {Percentile(run.TimelineMs, 95),13:F0} {run.ServerCpuMsPerPhoto,20:F1}");
        output.WriteLine(JsonSerializer.Serialize(new
        {
            photos = count,
            providers = runs.ToDictionary(r => r.Provider, r => new
            {
                decidedPerSecond = Math.Round(r.Run.Decided / Math.Max(r.Run.Seconds, 1e-9), 2),
                p50Ms = Math.Round(Percentile(r.Run.LatenciesMs, 50)),
                p95Ms = Math.Round(Percentile(r.Run.LatenciesMs, 95)),
                timelineP95Ms = Math.Round(Percentile(r.Run.TimelineMs, 95)),
            }),
        }));
    }

    /// <summary>A database of the bench's own on the PostgreSQL server, dropped when the run ends.</summary>
    private sealed class BenchDatabase(string server, string name) : IAsyncDisposable
    {
        public string ConnectionString { get; } = new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();

        public static async Task<BenchDatabase> CreateAsync(string server)
        {
            var name = "imaginai_bench_" + Guid.NewGuid().ToString("N")[..12];
            await using var connection = new Npgsql.NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
            return new BenchDatabase(server, name);
        }

        public async ValueTask DisposeAsync()
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await using var connection = new Npgsql.NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    /// <summary>
    /// 4000×3000 JPEGs as a phone takes them: each source cropped to 4:3 at a few offsets (so each upload is a new
    /// view, not a copy of its reference), resized and encoded at quality 90.
    /// </summary>
    private static List<byte[]> MakePhonePhotos(List<string> sources, int wanted)
    {
        var made = new byte[wanted][];
        Parallel.For(0, wanted, i =>
        {
            using var photo = PhotoDecoder.Decode(File.ReadAllBytes(sources[i % sources.Count]));
            var (w, h) = (photo.Bitmap.Width, photo.Bitmap.Height);
            var cropW = Math.Min(w * 0.9f, h * 0.9f * 4 / 3);
            var cropH = cropW * 3 / 4;
            var shift = i / sources.Count % 2 == 0 ? 0f : 1f;
            var left = (w - cropW) * shift;
            var top = (h - cropH) * (1 - shift);
            using var canvasBitmap = new SKBitmap(new SKImageInfo(PhoneWidth, PhoneHeight, SKColorType.Rgba8888, SKAlphaType.Opaque));
            using (var canvas = new SKCanvas(canvasBitmap))
            using (var image = SKImage.FromBitmap(photo.Bitmap))
                canvas.DrawImage(image, new SKRect(left, top, left + cropW, top + cropH), new SKRect(0, 0, PhoneWidth, PhoneHeight),
                    new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None));
            using var encoded = SKImage.FromBitmap(canvasBitmap).Encode(SKEncodedImageFormat.Jpeg, 90);
            made[i] = encoded.ToArray();
        });
        return [.. made];
    }

    /// <summary>
    /// Each stage alone, on this machine, in this process, before the server starts: CPU time per photo (all threads
    /// of the process, so inference threads count) and the embedding-only rate (decode + forward in batches, decodes
    /// spread over the cores as the embedding job does).
    /// </summary>
    private double MeasureStages(List<byte[]> photos, List<string> references)
    {
        using var extractor = VisionEngine.Create(vision);
        var batch = Math.Max(1, Math.Min(vision.MaxBatch, 8));
        var sample = Enumerable.Range(0, Math.Max(2 * batch, Math.Min(count, 64))).Select(i => photos[i % photos.Count]).ToList();
        extractor.ExtractBatch([PhotoDecoder.Decode(photos[0], extractor.DecodeOptions)]);

        var decodeCpu = TimeSpan.Zero;
        var inferCpu = TimeSpan.Zero;
        var wall = Stopwatch.StartNew();
        for (var start = 0; start < sample.Count; start += batch)
        {
            var chunk = sample.Skip(start).Take(batch).ToList();
            var cpu = CpuTime();
            var decoded = new DecodedPhoto[chunk.Count];
            Parallel.For(0, chunk.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                i => decoded[i] = PhotoDecoder.Decode(chunk[i], extractor.DecodeOptions));
            var decodedAt = CpuTime();
            extractor.ExtractBatch(decoded);
            inferCpu += CpuTime() - decodedAt;
            decodeCpu += decodedAt - cpu;
            foreach (var d in decoded) d.Dispose();
        }
        var embedOnlyPerSecond = sample.Count / wall.Elapsed.TotalSeconds;
        using (var one = PhotoDecoder.Decode(sample[0], extractor.DecodeOptions))
            stages.Add(("decode for embedding", decodeCpu.TotalMilliseconds / sample.Count, $"{PhoneWidth}x{PhoneHeight} JPEG decoded at {one.Bitmap.Width}x{one.Bitmap.Height}"));
        stages.Add(("inference", inferCpu.TotalMilliseconds / sample.Count, $"{extractor.Model.Id}, batches of {batch}"));

        if (!KeypointVerifier.IsAvailable)
        {
            stages.Add(("keypoint verification", 0, KeypointVerifier.UnavailableReason!));
            return embedOnlyPerSecond;
        }
        var verifier = new KeypointVerifier();
        var verifyDecode = new DecodeOptions { MinShortSide = verifier.Options.MaxSide, MaxPixels = vision.MaxPixels };
        var keypointSample = sample.Take(Math.Min(sample.Count, 8)).ToList();
        var described = new List<PhotoKeypoints>();
        var decodeVerifyCpu = TimeSpan.Zero;
        var describeCpu = TimeSpan.Zero;
        var inferLargeCpu = TimeSpan.Zero;
        foreach (var jpeg in keypointSample)
        {
            var cpu = CpuTime();
            using var decoded = PhotoDecoder.Decode(jpeg, verifyDecode);
            var decodedAt = CpuTime();
            described.Add(verifier.Describe(decoded)!);
            var describedAt = CpuTime();
            extractor.Extract(decoded);
            inferLargeCpu += CpuTime() - describedAt;
            describeCpu += describedAt - decodedAt;
            decodeVerifyCpu += decodedAt - cpu;
        }
        var referenceKeypoints = references.Select(r =>
        {
            using var decoded = PhotoDecoder.Decode(File.ReadAllBytes(r), verifyDecode);
            return verifier.Describe(decoded)!;
        }).ToList();
        var pairs = 0;
        var verifyStart = CpuTime();
        foreach (var photo in described)
            foreach (var reference in referenceKeypoints.Take(3))
            {
                verifier.Verify(reference, photo);
                pairs++;
            }
        var verifyCpu = CpuTime() - verifyStart;
        stages.Add(("decode for keypoints", decodeVerifyCpu.TotalMilliseconds / keypointSample.Count, $"short side >= {verifier.Options.MaxSide}"));
        stages.Add(("inference from that decode", inferLargeCpu.TotalMilliseconds / keypointSample.Count, "one at a time: the larger bitmap's resize to the model's input included"));
        stages.Add(("find keypoints", describeCpu.TotalMilliseconds / keypointSample.Count, $"CLAHE + ORB {verifier.Options.MaxFeatures} at long side {verifier.Options.MaxSide}"));
        stages.Add(("verify one candidate", verifyCpu.TotalMilliseconds / pairs, "ratio-test matching + MAGSAC homography"));
        return embedOnlyPerSecond;
    }

    private Process StartServer(string data, BenchDatabase? database)
    {
        var port = FreePort();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = data };
        psi.ArgumentList.Add(app);
        psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        psi.Environment["Storage__DataDirectory"] = Path.Combine(data, "app");
        psi.Environment["Admin__Email"] = AdminEmail;
        psi.Environment["Admin__Password"] = AdminPassword;
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        if (database is not null)
        {
            psi.Environment["Database__Provider"] = "postgres";
            psi.Environment["ConnectionStrings__Postgres"] = database.ConnectionString;
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("The server did not start.");
        var log = new StreamWriter(Path.Combine(data, "server.log")) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        baseAddress = new Uri($"http://127.0.0.1:{port}/");
        return process;
    }

    private sealed record RunResult(
        int Decided, double Seconds, double[] LatenciesMs, double[] AckMs, double[] TimelineMs,
        double ServerCpuMsPerPhoto, Dictionary<string, int> Statuses, List<string> Decisions);

    private async Task<RunResult> RunServerAsync(Process server, string data, List<string> references, List<byte[]> photos)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
        await WaitForHealthAsync(http, server, data);
        var token = (await (await http.PostAsJsonAsync("api/auth/token", new { email = AdminEmail, password = AdminPassword })).EnsureSuccessStatusCode()
            .Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("token").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var projectId = (await (await http.PostAsJsonAsync("api/projects", new { name = "Bench ingest" })).EnsureSuccessStatusCode()
            .Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("id").GetInt64();

        var final = new ConcurrentDictionary<long, (long Ticks, string Status, long? MilestoneId)>();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, "hubs/timeline"), o => o.AccessTokenProvider = () => Task.FromResult(token))
            .Build();
        hub.On<JsonElement>("photoUpdated", photo =>
        {
            var status = photo.GetProperty("status").GetString()!;
            if (status is "matched" or "unmatched" or "failed")
                final.TryAdd(photo.GetProperty("id").GetInt64(), (Stopwatch.GetTimestamp(), status,
                    photo.TryGetProperty("milestoneId", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt64() : null));
        });
        await hub.StartAsync();
        await hub.InvokeAsync("JoinProject", projectId);

        var referenceIds = new List<long>();
        foreach (var (reference, i) in references.Select((r, i) => (r, i)))
        {
            var milestone = (await (await http.PostAsJsonAsync($"api/projects/{projectId}/milestones", new { name = $"Milestone {i + 1}" })).EnsureSuccessStatusCode()
                .Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("id").GetInt64();
            referenceIds.Add((await UploadAsync(http, projectId, Path.GetFileName(reference), File.ReadAllBytes(reference), milestone)).Id);
        }
        await WaitAsync(() => referenceIds.All(final.ContainsKey), TimeSpan.FromMinutes(2), "the reference photos to be decided");
        foreach (var id in referenceIds) final.TryRemove(id, out _);

        var cpuBefore = ServerCpu(server);
        var acks = new ConcurrentDictionary<long, (long Ticks, double AckMs, int Upload)>();
        var timeline = new ConcurrentBag<double>();
        using var stopPolling = new CancellationTokenSource();
        var started = Stopwatch.GetTimestamp();
        var polling = PollTimelineAsync(http, projectId, timeline, stopPolling.Token);

        var next = -1;
        async Task UploadNextAsync(int i)
        {
            var bytes = Unique(photos[i % photos.Count], i);
            var sent = Stopwatch.GetTimestamp();
            var (id, _) = await UploadAsync(http, projectId, $"IMG_{i:D5}.jpg", bytes, null);
            var acked = Stopwatch.GetTimestamp();
            acks[id] = (acked, Stopwatch.GetElapsedTime(sent, acked).TotalMilliseconds, i);
        }
        if (rate > 0)
        {
            var uploads = new List<Task>();
            for (var i = 0; i < count; i++)
            {
                var due = started + (long)(i / rate * Stopwatch.Frequency);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
                uploads.Add(UploadNextAsync(i));
            }
            await Task.WhenAll(uploads);
        }
        else
        {
            await Task.WhenAll(Enumerable.Range(0, ConcurrentUploads).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count) await UploadNextAsync(i);
            }));
        }
        var uploadedSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        output.WriteLine($"{count} uploads acknowledged in {uploadedSeconds:F1} s; waiting for the decisions");
        var deadline = TimeSpan.FromSeconds(Math.Max(120, count * 2.0));
        await WaitAsync(() => acks.Keys.All(final.ContainsKey), deadline, "every upload to be decided", throwOnTimeout: false);
        await stopPolling.CancelAsync();
        await polling;
        var cpuAfter = ServerCpu(server);

        var decided = acks.Keys.Where(final.ContainsKey).ToList();
        var lastDecided = decided.Count == 0 ? Stopwatch.GetTimestamp() : decided.Max(id => final[id].Ticks);
        var latencies = decided.Select(id => Math.Max(0, Stopwatch.GetElapsedTime(acks[id].Ticks, final[id].Ticks).TotalMilliseconds)).ToArray();
        return new RunResult(
            decided.Count,
            Stopwatch.GetElapsedTime(started, lastDecided).TotalSeconds,
            latencies,
            [.. acks.Values.Select(a => a.AckMs)],
            [.. timeline],
            (cpuAfter - cpuBefore).TotalMilliseconds / Math.Max(1, decided.Count),
            decided.GroupBy(id => final[id].Status).ToDictionary(g => g.Key, g => g.Count()),
            [.. decided.OrderBy(id => acks[id].Upload).Select(id => $"IMG_{acks[id].Upload:D5}.jpg\t{final[id].Status}\t{final[id].MilestoneId}")]);
    }

    private static async Task PollTimelineAsync(HttpClient http, long projectId, ConcurrentBag<double> latencies, CancellationToken stop)
    {
        // What a manager's page does on reconnect, a few times a second: the figure is the server's responsiveness.
        while (!stop.IsCancellationRequested)
        {
            var sent = Stopwatch.GetTimestamp();
            using (var response = await http.GetAsync($"api/projects/{projectId}/timeline", HttpCompletionOption.ResponseContentRead, CancellationToken.None))
                response.EnsureSuccessStatusCode();
            latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            try { await Task.Delay(250, stop); } catch (OperationCanceledException) { }
        }
    }

    private static async Task<(long Id, string Status)> UploadAsync(HttpClient http, long projectId, string fileName, byte[] bytes, long? milestoneId)
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(part, "files", fileName);
        if (milestoneId is { } m) form.Add(new StringContent(m.ToString(CultureInfo.InvariantCulture)), "milestoneId");
        using var response = await http.PostAsync($"api/projects/{projectId}/photos", form);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"Upload of {fileName} answered {(int)response.StatusCode}: {body}");
        var photo = JsonDocument.Parse(body).RootElement[0];
        return (photo.GetProperty("id").GetInt64(), photo.GetProperty("status").GetString()!);
    }

    /// <summary>The same pixels under another SHA-256: a JPEG comment right after the start-of-image marker.</summary>
    private static byte[] Unique(byte[] jpeg, int n)
    {
        var text = Encoding.ASCII.GetBytes($"bench ingest {n}");
        var segment = new byte[4 + text.Length];
        segment[0] = 0xFF;
        segment[1] = 0xFE;
        segment[2] = (byte)((text.Length + 2) >> 8);
        segment[3] = (byte)(text.Length + 2);
        text.CopyTo(segment, 4);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    private static async Task WaitForHealthAsync(HttpClient http, Process server, string data)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (server.HasExited)
                throw new InvalidOperationException($"The server exited with {server.ExitCode}:\n{File.ReadAllText(Path.Combine(data, "server.log"))}");
            try
            {
                using var response = await http.GetAsync("health");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException("The server did not answer /health within 2 minutes.");
    }

    private static async Task WaitAsync(Func<bool> done, TimeSpan timeout, string what, bool throwOnTimeout = true)
    {
        var waited = Stopwatch.StartNew();
        while (!done())
        {
            if (waited.Elapsed > timeout)
            {
                if (throwOnTimeout) throw new TimeoutException($"Gave up waiting for {what} after {timeout.TotalSeconds:F0} s.");
                return;
            }
            await Task.Delay(20);
        }
    }

    private void Print(RunResult run, double embedOnlyPerSecond, string loadAfter, bool headline)
    {
        var decidedPerSecond = run.Decided / Math.Max(run.Seconds, 1e-9);
        output.WriteLine();
        output.WriteLine($"{"stage (alone, in this process)",-34} {"CPU-ms/photo",13}  note");
        foreach (var (stage, cpuMs, note) in stages) output.WriteLine($"{stage,-34} {cpuMs,13:F1}  {note}");
        output.WriteLine($"{"server process, whole pipeline",-34} {run.ServerCpuMsPerPhoto,13:F1}  CPU time of the server over the run / photos decided (Kestrel, SignalR, jobs; SQLite runs inside it, a PostgreSQL server does not)");
        output.WriteLine();
        output.WriteLine($"offered: {(rate > 0 ? $"{rate:F1} photos/s" : $"as fast as accepted ({ConcurrentUploads} uploads at a time)")}");
        output.WriteLine($"decided: {run.Decided} of {count} in {run.Seconds:F1} s -> {decidedPerSecond:F2} photos/s ({string.Join(", ", run.Statuses.Select(s => $"{s.Value} {s.Key}"))})");
        output.WriteLine($"embedding only (same photos, same run): {embedOnlyPerSecond:F2} photos/s; ratio decided/embed-only {decidedPerSecond / embedOnlyPerSecond:F2}");
        output.WriteLine($"upload 202 -> final photoUpdated: p50 {Percentile(run.LatenciesMs, 50):F0} ms, p95 {Percentile(run.LatenciesMs, 95):F0} ms, p99 {Percentile(run.LatenciesMs, 99):F0} ms");
        output.WriteLine($"upload acknowledged (202): p50 {Percentile(run.AckMs, 50):F0} ms, p95 {Percentile(run.AckMs, 95):F0} ms, max {(run.AckMs.Length == 0 ? 0 : run.AckMs.Max()):F0} ms");
        output.WriteLine($"GET timeline during the backlog: {run.TimelineMs.Length} requests, p50 {Percentile(run.TimelineMs, 50):F0} ms, p95 {Percentile(run.TimelineMs, 95):F0} ms");
        output.WriteLine($"load average after: {loadAfter}");
        if (!headline) return;
        output.WriteLine(JsonSerializer.Serialize(new
        {
            photos = count,
            decidedPerSecond = Math.Round(decidedPerSecond, 2),
            embedOnlyPerSecond = Math.Round(embedOnlyPerSecond, 2),
            p50Ms = Math.Round(Percentile(run.LatenciesMs, 50)),
            p95Ms = Math.Round(Percentile(run.LatenciesMs, 95)),
            p99Ms = Math.Round(Percentile(run.LatenciesMs, 99)),
            timelineP95Ms = Math.Round(Percentile(run.TimelineMs, 95)),
        }));
    }

    private static double Percentile(double[] values, double p)
    {
        if (values.Length == 0) return 0;
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    private static TimeSpan CpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private static TimeSpan ServerCpu(Process server)
    {
        server.Refresh();
        return server.TotalProcessorTime;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
