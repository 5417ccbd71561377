using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace ImaginAI.Tracker.Cli;

/// <summary>How big a load run is; every wait in it ends by <see cref="Timeout"/>.</summary>
public sealed record LoadSettings(int Uploaders, int PhotosPerUploader, int Watchers, int Projects, int LongSide, TimeSpan Timeout);

/// <summary>What users saw during a load run (latencies in ms), and whether the targets were met.</summary>
public sealed record LoadReport(
    int PhotosSent, int Accepted, int Lost, int Decided, int Failed, int ServerErrors, int DatabaseBusy, int OtherErrors,
    double P50Ms, double P95Ms, double P99Ms, double MaxMs, double SecondsUntilAllDecided, double SecondsUntilAllWatchersKnew,
    IReadOnlyList<int> EventsPerWatcher, int MissingEvents, int OutOfOrderEvents, long PeakRssBytes)
{
    public const long RssTargetBytes = 1536L * 1024 * 1024;

    public bool TargetsMet => Lost == 0 && ServerErrors == 0 && MissingEvents == 0 && OutOfOrderEvents == 0 && PeakRssBytes <= RssTargetBytes;
}

/// <summary>
/// Drives a running server the way a busy morning would: uploaders each sending their photos one request at a time,
/// all at once, while managers' timelines (SignalR clients) watch the projects; then waits until every photo is
/// decided and every watcher has heard so. Used by <c>bench load</c> and, small, by the test suite.
/// </summary>
public sealed class LoadRun(ServerProcess server, string adminEmail, string adminPassword, LoadSettings settings, IReadOnlyList<(string FileName, byte[] Bytes)> photos)
{
    private static readonly string[] FinalStatuses = ["matched", "unmatched", "failed"];

    private sealed record Heard(string Kind, long PhotoId, string Status);

    public async Task<LoadReport> RunAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        var token = timeout.Token;
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var signIn = await http.PostAsJsonAsync("/api/auth/token", new { email = adminEmail, password = adminPassword }, token);
        signIn.EnsureSuccessStatusCode();
        var bearer = (await signIn.Content.ReadFromJsonAsync<JsonElement>(token)).GetProperty("token").GetString()!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);

        // Projects with three milestones each, a reference photo for each (decided before the run starts).
        var projectIds = new List<long>();
        var references = photos.Skip(settings.Uploaders * settings.PhotosPerUploader).ToList();
        for (var p = 0; p < settings.Projects; p++)
        {
            var project = await PostJsonAsync(http, "/api/projects", new { name = $"Load site {p + 1}" }, token);
            projectIds.Add(project.GetProperty("id").GetInt64());
            for (var m = 0; m < 3; m++)
            {
                var milestone = await PostJsonAsync(http, $"/api/projects/{projectIds[^1]}/milestones", new { name = $"Stage {m + 1}" }, token);
                using var response = await UploadAsync(http, projectIds[^1], references[(p * 3 + m) % references.Count], milestone.GetProperty("id").GetInt64(), token);
                response.EnsureSuccessStatusCode();
            }
        }
        while (await CountUndecidedAsync() > 0) await Task.Delay(200, token);

        var watchers = new List<(HubConnection Connection, long ProjectId, ConcurrentQueue<Heard> Heard)>();
        try
        {
            for (var w = 0; w < settings.Watchers; w++)
            {
                var connection = new HubConnectionBuilder()
                    .WithUrl(new Uri(server.BaseAddress, "hubs/timeline"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(bearer))
                    .Build();
                var heard = new ConcurrentQueue<Heard>();
                foreach (var kind in new[] { "photoAdded", "photoUpdated" })
                    connection.On<JsonElement>(kind, photo => heard.Enqueue(new Heard(kind, photo.GetProperty("id").GetInt64(), photo.GetProperty("status").GetString()!)));
                await connection.StartAsync(token);
                var projectId = projectIds[w % projectIds.Count];
                await connection.InvokeAsync("JoinProject", projectId, token);
                watchers.Add((connection, projectId, heard));
            }

            var latencies = new ConcurrentBag<double>();
            var accepted = new ConcurrentDictionary<long, long>();
            var statuses = new ConcurrentBag<int>();
            var busy = 0;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, settings.Uploaders).Select(u => Task.Run(async () =>
            {
                var projectId = projectIds[u % projectIds.Count];
                for (var i = 0; i < settings.PhotosPerUploader; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    using var response = await UploadAsync(http, projectId, photos[u * settings.PhotosPerUploader + i], null, token);
                    var body = await response.Content.ReadAsStringAsync(token);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    statuses.Add((int)response.StatusCode);
                    if ((int)response.StatusCode == 202)
                    {
                        var file = JsonDocument.Parse(body).RootElement[0];
                        if (file.TryGetProperty("id", out var id) && !file.TryGetProperty("duplicateOf", out _)) accepted[id.GetInt64()] = projectId;
                    }
                    else if (body.Contains("Server busy", StringComparison.Ordinal) || body.Contains("database is locked", StringComparison.OrdinalIgnoreCase))
                        Interlocked.Increment(ref busy);
                }
            }, token)));

            while (await CountUndecidedAsync() > 0) await Task.Delay(100, token);
            var allDecided = clock.Elapsed.TotalSeconds;

            // Every watcher of a project should hear each of its photos reach its final state.
            bool AllHeard() => watchers.All(w => accepted.Where(a => a.Value == w.ProjectId).All(a =>
                w.Heard.Any(h => h.PhotoId == a.Key && FinalStatuses.Contains(h.Status))));
            var listenUntil = DateTime.UtcNow.AddSeconds(30);
            while (!AllHeard() && DateTime.UtcNow < listenUntil) await Task.Delay(100, token);
            var allKnew = clock.Elapsed.TotalSeconds;
            var peak = server.PeakResidentBytes;

            var (missing, outOfOrder) = (0, 0);
            foreach (var (_, projectId, heard) in watchers)
            {
                var events = heard.ToList();
                foreach (var (photoId, _) in accepted.Where(a => a.Value == projectId))
                {
                    var mine = events.Where(h => h.PhotoId == photoId).ToList();
                    if (mine.Count == 0 || mine[0].Kind != "photoAdded" || !FinalStatuses.Contains(mine[^1].Status)) missing++;
                    // A later event never shows an earlier step: pending, then embedded, then decided.
                    for (var i = 1; i < mine.Count; i++)
                        if (Rank(mine[i].Status) < Rank(mine[i - 1].Status) || mine[i].Kind == "photoAdded") outOfOrder++;
                }
            }

            var sorted = latencies.Order().ToList();
            var codes = statuses.ToList();
            var (decided, failed) = await CountDecidedAndFailedAsync(accepted.Keys);
            return new LoadReport(
                settings.Uploaders * settings.PhotosPerUploader, accepted.Count,
                settings.Uploaders * settings.PhotosPerUploader - decided, decided, failed,
                codes.Count(c => c >= 500), busy, codes.Count(c => c is not 202 and < 500),
                Percentile(sorted, 0.50), Percentile(sorted, 0.95), Percentile(sorted, 0.99), sorted.Count > 0 ? sorted[^1] : 0,
                allDecided, allKnew, watchers.Select(w => w.Heard.Count).ToList(), missing, outOfOrder, peak);
        }
        finally
        {
            foreach (var (connection, _, _) in watchers) await connection.DisposeAsync();
        }
    }

    private static int Rank(string status) => status switch { "pending" => 0, "embedded" => 1, _ => 2 };

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private async Task<long> CountUndecidedAsync()
    {
        await using var connection = await server.OpenDatabaseAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM photos WHERE status IN ('pending', 'embedded')";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<(int Decided, int Failed)> CountDecidedAndFailedAsync(ICollection<long> ids)
    {
        await using var connection = await server.OpenDatabaseAsync();
        var (decided, failed) = (0, 0);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, status FROM photos";
        await using var reader = await command.ExecuteReaderAsync();
        var wanted = ids.ToHashSet();
        while (await reader.ReadAsync())
        {
            if (!wanted.Contains(reader.GetInt64(0))) continue;
            var status = reader.GetString(1);
            if (status is "matched" or "unmatched") decided++;
            else if (status == "failed") failed++;
        }
        return (decided, failed);
    }

    private static async Task<JsonElement> PostJsonAsync(HttpClient http, string path, object body, CancellationToken token)
    {
        using var response = await http.PostAsJsonAsync(path, body, token);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(token);
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient http, long projectId, (string FileName, byte[] Bytes) photo, long? milestoneId, CancellationToken token)
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(photo.Bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(part, "files", photo.FileName);
        if (milestoneId is not null) form.Add(new StringContent(milestoneId.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)), "milestoneId");
        return await http.PostAsync($"/api/projects/{projectId}/photos", form, token);
    }
}
