using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Dapper;
using ImaginAI.Tracker.Data;

namespace ImaginAI.Tracker.Cli;

/// <summary>
/// <c>bench gallery [--photos 5000] [--rounds 40] [--page-size 60]</c>: starts this build as a separate server on
/// 127.0.0.1 with a fresh data directory, seeds one project with that many photo rows (tags, uploaders, milestones,
/// statuses, 100 days of taken-at times; rows only, no files), then times, alternating in every round, the gallery's
/// requests against the same-run baseline: the whole timeline, which was the only way to list a project's photos
/// before the gallery. Prints a table and one JSON line, then stops the server and deletes its data.
/// </summary>
internal static class BenchGalleryVerb
{
    private static readonly string[] TagNames =
        ["roof", "leak", "north wall", "south wall", "rebar", "formwork", "scaffolding", "electrics", "plumbing", "crack", "window", "handover"];

    public static async Task<int> RunAsync(string[] args)
    {
        var (options, _) = CliVerbs.Parse(args);
        int Number(string name, int fallback) =>
            options.TryGetValue(name, out var text) && int.TryParse(text, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : fallback;
        var photoCount = Number("--photos", 5000);
        var rounds = Math.Min(Number("--rounds", 40), 500);
        var pageSize = Number("--page-size", 60);
        var loadBefore = VisionBenchmark.LoadAverage();
        Console.WriteLine($"bench gallery: {photoCount} photos in one project, {rounds} rounds, pages of {pageSize}, " +
                          $"{Environment.ProcessorCount} cores, load average {loadBefore}");

        var email = "bench@gallery.local";
        var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var dataDirectory = Path.Combine(Path.GetTempPath(), "imaginai-bench-gallery-" + Guid.NewGuid().ToString("N"));
        await using var server = new ServerProcess(ServerProcess.ThisTrackerDll, dataDirectory, new Dictionary<string, string?>
        {
            ["Admin:Email"] = email,
            ["Admin:Password"] = password,
        });
        Dictionary<string, Timing> timings;
        try
        {
            await server.StartAsync();
            using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
            var signIn = await http.PostAsJsonAsync("/api/auth/token", new { email, password });
            signIn.EnsureSuccessStatusCode();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
                (await signIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString());
            var project = await (await http.PostAsJsonAsync("/api/projects", new { name = "Gallery bench" })).Content.ReadFromJsonAsync<JsonElement>();
            var projectId = project.GetProperty("id").GetInt64();
            var milestones = new List<long>();
            foreach (var name in new[] { "Foundations", "Frame", "Roof", "Windows", "Handover" })
                milestones.Add((await (await http.PostAsJsonAsync($"/api/projects/{projectId}/milestones", new { name })).Content
                    .ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());

            var seeding = Stopwatch.StartNew();
            var uploaders = await SeedAsync(Path.Combine(server.DataDirectory, "tracker.db"), projectId, milestones, photoCount);
            Console.WriteLine($"seeded {photoCount} photo rows ({uploaders.Count} uploaders, {TagNames.Length} tags) in {seeding.Elapsed.TotalSeconds:F1} s");

            var requests = new (string Name, string Url)[]
            {
                ("baseline: whole timeline", $"/api/projects/{projectId}/timeline"),
                ("gallery page 1, no filter", $"/api/projects/{projectId}/photos?pageSize={pageSize}"),
                ("gallery, tag + uploader + 30 days", $"/api/projects/{projectId}/photos?pageSize={pageSize}&tag=leak&uploader={uploaders[1]}&from=2026-08-01&to=2026-08-30"),
                ("gallery, status review", $"/api/projects/{projectId}/photos?pageSize={pageSize}&status=review"),
                // The deepest page that is still full, so it answers as many photos as page 1 and only the offset differs.
                ("gallery, deepest full page (offset)", $"/api/projects/{projectId}/photos?pageSize={pageSize}&page={Math.Max(1, photoCount / pageSize)}"),
                ("tag suggestions", $"/api/projects/{projectId}/tags"),
            };
            timings = requests.ToDictionary(r => r.Name, _ => new Timing());
            // One warm-up round (JIT, SQLite page cache), then rounds that alternate every request, so a change in the
            // machine's load reaches the baseline and the gallery alike.
            foreach (var (_, url) in requests) (await http.GetAsync(url)).EnsureSuccessStatusCode();
            for (var round = 0; round < rounds; round++)
                foreach (var (name, url) in round % 2 == 0 ? requests : requests.Reverse())
                {
                    var started = Stopwatch.GetTimestamp();
                    using var response = await http.GetAsync(url);
                    var bytes = (await response.Content.ReadAsByteArrayAsync()).Length;
                    response.EnsureSuccessStatusCode();
                    timings[name].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds, bytes);
                }
        }
        finally
        {
            await server.StopAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
        var loadAfter = VisionBenchmark.LoadAverage();

        Console.WriteLine($"{"request",-42} {"p50 ms",8} {"p95 ms",8} {"KB",8}");
        foreach (var (name, timing) in timings)
            Console.WriteLine($"{name,-42} {timing.Percentile(0.5),8:F1} {timing.Percentile(0.95),8:F1} {timing.Bytes / 1024.0,8:F0}");
        Console.WriteLine($"load average after: {loadAfter}");
        var values = timings.Values.ToList();
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            bench = "gallery", photos = photoCount, rounds, pageSize,
            timelineP50Ms = Math.Round(values[0].Percentile(0.5), 1), timelineP95Ms = Math.Round(values[0].Percentile(0.95), 1), timelineKb = values[0].Bytes / 1024,
            galleryP50Ms = Math.Round(values[1].Percentile(0.5), 1), galleryP95Ms = Math.Round(values[1].Percentile(0.95), 1), galleryKb = values[1].Bytes / 1024,
            filteredP95Ms = Math.Round(values[2].Percentile(0.95), 1), reviewP95Ms = Math.Round(values[3].Percentile(0.95), 1),
            deepPage = Math.Max(1, photoCount / pageSize), deepPageP50Ms = Math.Round(values[4].Percentile(0.5), 1),
            deepPageP95Ms = Math.Round(values[4].Percentile(0.95), 1), deepPageKb = values[4].Bytes / 1024, tagsP95Ms = Math.Round(values[5].Percentile(0.95), 1),
            loadBefore, loadAfter,
        }, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        return 0;
    }

    /// <summary>Photo rows as uploads and decisions would leave them (decided, so the jobs leave them alone); returns the uploaders' ids.</summary>
    private static async Task<List<long>> SeedAsync(string databasePath, long projectId, List<long> milestones, int count)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={databasePath};Foreign Keys=True");
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var now = TrackerDb.Utc(DateTimeOffset.UtcNow);
        var uploaders = new List<long>();
        for (var u = 0; u < 6; u++)
            uploaders.Add(await connection.ExecuteScalarAsync<long>("""
                INSERT INTO users (email, password_hash, role, security_stamp, created_at)
                VALUES (@email, 'not a hash: cannot sign in', 'field', @stamp, @now) RETURNING id
                """, new { email = $"worker{u}@gallery.local", stamp = Guid.NewGuid().ToString("N"), now }, transaction));
        var random = new Random(14);
        var start = new DateTimeOffset(2026, 6, 1, 7, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < count; i++)
        {
            var takenAt = start.AddMinutes(random.Next(0, 100 * 24 * 60));
            var kind = random.Next(10);
            var (status, milestone, source, score) = kind switch
            {
                < 6 => ("matched", (long?)milestones[random.Next(milestones.Count)], "auto", (double?)(0.6 + random.NextDouble() * 0.4)),
                < 8 => ("unmatched", null, null, (double?)(random.NextDouble() * 0.6)),
                8 => ("matched", milestones[random.Next(milestones.Count)], "manual", null),
                _ => ("matched", milestones[random.Next(milestones.Count)], "reference", null),
            };
            var id = await connection.ExecuteScalarAsync<long>("""
                INSERT INTO photos (project_id, file_name, sha256, content_type, size_bytes, width, height, taken_at, uploaded_at,
                                    status, milestone_id, milestone_source, milestone_score, match_score, attempts, decision_count, uploaded_by, note)
                VALUES (@projectId, @fileName, @sha, 'image/jpeg', 2000000, 4000, 3000, @takenAt, @takenAt,
                        @status, @milestone, @source, @score, @score, 1, 1, @uploader, @note)
                RETURNING id
                """, new
            {
                projectId, fileName = $"IMG_{i:00000}.jpg", sha = Convert.ToHexString(BitConverter.GetBytes((long)i)).PadLeft(64, '0'),
                takenAt = TrackerDb.Utc(takenAt), status, milestone, source, score, uploader = uploaders[random.Next(uploaders.Count)],
                note = i % 3 == 0 ? $"Site note {i}" : null,
            }, transaction);
            foreach (var tag in TagNames.OrderBy(_ => random.Next()).Take(random.Next(0, 4)))
                await connection.ExecuteAsync("INSERT INTO photo_tags (photo_id, project_id, tag) VALUES (@id, @projectId, @tag)",
                    new { id, projectId, tag }, transaction);
        }
        await transaction.CommitAsync();
        return uploaders;
    }

    private sealed class Timing
    {
        private readonly List<double> milliseconds = [];

        public long Bytes { get; private set; }

        public void Add(double ms, long bytes)
        {
            milliseconds.Add(ms);
            Bytes = bytes;
        }

        public double Percentile(double p)
        {
            var sorted = milliseconds.Order().ToList();
            return sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
        }
    }
}
