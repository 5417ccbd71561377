using System.Collections.Concurrent;
using System.Text.Json;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Cli;
using Xunit.Abstractions;

namespace ImaginAI.Tests.Integration.Reliability;

/// <summary>
/// The tracker as a separate process, killed with SIGKILL while photos are being uploaded, embedded, matched and
/// thumbnailed, and started again on the same data directory each time. Clients behave as phones and pages do:
/// an upload or a thumbnail that got no answer is asked for again once the server is back.
/// </summary>
/// <remarks>
/// Runs on both providers. On PostgreSQL the restarted server keeps its Database:NodeId (TestDatabase), as a node of a
/// cluster should: it takes back at once the photos it had claimed and removes its own temp files and photo files left
/// without their rows (LeftoverFilesTests), where another
/// node's leftovers wait out their lease or their hour. The SQLite file's own checks run on SQLite only.
/// </remarks>
public sealed class CrashTests(ITestOutputHelper output)
{
    private const int PhotoCount = 200;
    private const int References = 3;

    private enum Moment { Upload, Embedding, Matching, Thumbnail, Any }

    private sealed record Kill(Moment Moment, int UploadsInFlight, int ThumbnailsInFlight, int AttemptsCut, long Embedded, long Decided);

    [Fact]
    public async Task Sigkill_DuringUploadEmbeddingMatchingAndThumbnails_EveryAcceptedPhotoDecidedOnceAndNothingOrphaned()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var photos = PhotoSet.Make(RealPhotos.Directory, PhotoCount + References, longSide: 480, seed: 9);
        // Small batches give the kills more moments between an attempt's start and its commit.
        await using var tracker = new TrackerProcess(new() { ["Embedding:BatchSize"] = "4" });
        await tracker.StartAsync();
        var projectId = await tracker.CreateProjectAsync("Crash site");
        for (var m = 0; m < References; m++)
        {
            var milestoneId = await tracker.AddMilestoneAsync(projectId, $"Stage {m + 1}");
            using var reference = await tracker.UploadAsync(projectId, [photos[PhotoCount + m]], milestoneId);
            Assert.Equal(202, (int)reference.StatusCode);
        }

        var seed = Environment.TickCount;
        output.WriteLine($"kill timing seed {seed}");
        var random = new Random(seed);
        var workload = new Workload(tracker, projectId, photos.Take(PhotoCount).ToList());
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        var running = workload.RunAsync(stop.Token);

        var kills = new List<Kill>();
        // Attempt numbers seen started but not finished when a kill came: each is an attempt the crash cost.
        var interrupted = new Dictionary<long, HashSet<long>>();
        Moment[] plan = [Moment.Upload, Moment.Embedding, Moment.Thumbnail, Moment.Matching, Moment.Upload, Moment.Embedding, Moment.Any];
        foreach (var moment in plan)
        {
            // Each run of the server gets its share of the photos to receive, so there are uploads to cut every time.
            workload.Release(batches: PhotoCount / 2 / plan.Length + 1);
            // The server is paused while the moment is checked, and killed only if it is still under way: seen while
            // the server runs, a moment can pass before the kill (the embedded photos all matched, the upload answered).
            int uploads, thumbnails;
            long embedded, decided;
            for (var look = 1; ; look++)
            {
                await WaitForMomentAsync(moment, tracker, workload, random, stop.Token);
                await Task.Delay(random.Next(0, 10));
                tracker.Server.Pause();
                (uploads, thumbnails) = (workload.UploadsInFlight, workload.ThumbnailsInFlight);
                (embedded, decided) = (await CountAsync(tracker, "status = 'embedded'"), await CountAsync(tracker, "status IN ('matched', 'unmatched')"));
                var attemptsUnderWay = (await AttemptsUnderWayAsync(tracker)).Count(row => !WasCut(interrupted, row));
                var stillUnderWay = moment switch
                {
                    Moment.Upload => uploads > 0,
                    Moment.Thumbnail => thumbnails > 0,
                    Moment.Embedding => attemptsUnderWay > 0,
                    Moment.Matching => embedded > 0,
                    _ => true,
                };
                if (stillUnderWay || look == 20) break;
                tracker.Server.Resume();
            }
            tracker.Server.Kill();

            var cut = (await AttemptsUnderWayAsync(tracker)).Count(row => (interrupted.TryGetValue(row.Id, out var seen) ? seen : interrupted[row.Id] = []).Add(row.Attempts));
            var kill = new Kill(moment, uploads, thumbnails, cut, embedded, decided);
            kills.Add(kill);
            output.WriteLine(kill.ToString());

            await Task.Delay(random.Next(100, 500), stop.Token);
            await tracker.StartAsync();
        }

        workload.Release(batches: PhotoCount);
        await running;
        output.WriteLine($"{kills.Count} kills done and every upload answered at {clock.Elapsed.TotalSeconds:F0} s");
        var accepted = workload.Accepted;
        // A generous wait for the state, not a measure of speed: the wait ends as soon as every photo is decided.
        var deadline = DateTime.UtcNow.AddMinutes(8);
        while (await CountAsync(tracker, "status IN ('pending', 'embedded')") > 0 && DateTime.UtcNow < deadline) await Task.Delay(250);
        output.WriteLine($"all decided at {clock.Elapsed.TotalSeconds:F0} s");
        await tracker.Server.StopAsync();

        // The kills came at the moments they were meant to.
        Assert.True(kills.Count >= 5);
        Assert.Contains(kills, k => k.Moment == Moment.Upload && k.UploadsInFlight > 0);
        Assert.Contains(kills, k => k.Moment == Moment.Embedding && k.AttemptsCut > 0);
        Assert.Contains(kills, k => k.Moment == Moment.Matching && k.Embedded > 0);
        Assert.Contains(kills, k => k.Moment == Moment.Thumbnail && k.ThumbnailsInFlight > 0);
        Assert.Empty(workload.Unexpected);

        // Every photo was answered 202 in the end, and each is in one final state, decided once, embedded once.
        Assert.Equal(PhotoCount, accepted.Count);
        var rows = await TrackerDatabase.QueryAsync<(long Id, string Sha256, string ContentType, string Status, long Attempts, long DecisionCount, string? Error, long Embeddings)>(
            tracker.DatabasePath, """
            SELECT id, sha256, content_type, status, attempts, decision_count, error,
                   (SELECT COUNT(*) FROM embeddings e WHERE e.photo_id = photos.id)
            FROM photos
            """);
        Assert.Equal(PhotoCount + References, rows.Count);
        var byId = rows.ToDictionary(r => r.Id);
        Assert.All(accepted.Values, id => Assert.True(byId.ContainsKey(id), $"photo {id} was accepted but has no row"));
        Assert.All(rows, row =>
        {
            Assert.Contains(row.Status, new[] { "matched", "unmatched" });
            Assert.Null(row.Error);
            Assert.Equal(1, row.DecisionCount);
            Assert.Equal(1, row.Embeddings);
            // One attempt, plus one for each attempt a kill cut short (counted before it started, by design).
            var cut = interrupted.TryGetValue(row.Id, out var seen) ? seen.Count : 0;
            Assert.True(row.Attempts == 1 + cut, $"photo {row.Id}: attempts {row.Attempts}, {cut} interrupted by a kill");
        });
        output.WriteLine($"{interrupted.Count} photos had an embedding attempt cut short by a kill");

        // No file without its row, no row without its file, nothing left half-written.
        var expected = rows.Select(r => Path.Combine(tracker.DataDirectory, "photos", r.Sha256[..2], r.Sha256 + Extension(r.ContentType))).Order().ToList();
        Assert.Equal(expected, TrackerDatabase.StoredFiles(Path.Combine(tracker.DataDirectory, "photos")).Order().ToList());
        var shas = rows.Select(r => r.Sha256).ToHashSet();
        var thumbnailFiles = TrackerDatabase.StoredFiles(Path.Combine(tracker.DataDirectory, "thumbs"));
        Assert.NotEmpty(thumbnailFiles);
        Assert.All(thumbnailFiles, t => Assert.True(t.EndsWith(".jpg") && shas.Contains(Path.GetFileNameWithoutExtension(t)), $"thumbnail without a photo: {t}"));
        Assert.Empty(TrackerDatabase.StoredFiles(Path.Combine(tracker.DataDirectory, "tmp")));

        // The SQLite file itself survived every kill (PostgreSQL's server was never killed: its files are not the app's).
        if (TestDatabase.IsPostgres) return;
        Assert.Equal("ok", await TrackerDatabase.ScalarAsync<string>(tracker.DatabasePath, "PRAGMA integrity_check"));
        Assert.Empty(await TrackerDatabase.QueryAsync<string>(tracker.DatabasePath, "SELECT \"table\" FROM pragma_foreign_key_check"));
    }

    private static Task<IReadOnlyList<(long Id, long Attempts)>> AttemptsUnderWayAsync(TrackerProcess tracker) =>
        TrackerDatabase.QueryAsync<(long Id, long Attempts)>(tracker.DatabasePath,
            "SELECT id, attempts FROM photos WHERE status = 'pending' AND attempts > 0 AND error IS NULL");

    private static bool WasCut(Dictionary<long, HashSet<long>> interrupted, (long Id, long Attempts) row) =>
        interrupted.TryGetValue(row.Id, out var seen) && seen.Contains(row.Attempts);

    private static string Extension(string contentType) => contentType == "image/jpeg" ? ".jpg" : throw new InvalidOperationException(contentType);

    private static Task<long> CountAsync(TrackerProcess tracker, string where, string what = "COUNT(*)") =>
        TrackerDatabase.ScalarAsync<long>(tracker.DatabasePath, $"SELECT COALESCE({what}, 0) FROM photos WHERE {where}");

    /// <summary>
    /// Lets the server work a random while, then waits until the moment is under way: an upload or a thumbnail request
    /// in flight, an embedding attempt started since then and not yet committed, or a decision made since then with
    /// more embedded photos waiting for theirs.
    /// </summary>
    private static async Task WaitForMomentAsync(Moment moment, TrackerProcess tracker, Workload workload, Random random, CancellationToken cancellationToken)
    {
        await Task.Delay(moment == Moment.Upload ? random.Next(0, 300) : random.Next(300, 2500), cancellationToken);
        if (moment == Moment.Any) return;
        var attemptsBefore = await CountAsync(tracker, "attempts > 0", "SUM(attempts)");
        var decidedBefore = await CountAsync(tracker, "status IN ('matched', 'unmatched')");
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            var now = moment switch
            {
                Moment.Upload => workload.UploadsInFlight > 0,
                Moment.Thumbnail => workload.ThumbnailsInFlight > 0,
                Moment.Embedding => await CountAsync(tracker, "attempts > 0", "SUM(attempts)") > attemptsBefore
                                    && await CountAsync(tracker, "status = 'pending' AND attempts > 0 AND error IS NULL") > 0,
                _ => await CountAsync(tracker, "status IN ('matched', 'unmatched')") > decidedBefore
                     && await CountAsync(tracker, "status = 'embedded'") > 0,
            };
            if (now) return;
            await Task.Delay(5, cancellationToken);
        }
        throw new TimeoutException($"No {moment} under way within 90 s.\n{tracker.Server.RecentOutput}");
    }

    /// <summary>
    /// Three uploaders sending two photos per request at a field worker's pace (each server run gets a share), and two page viewers asking for the
    /// thumbnail of each accepted photo; both retry what got no answer, as the app and the browser would.
    /// </summary>
    private sealed class Workload(TrackerProcess tracker, long projectId, IReadOnlyList<(string FileName, byte[] Bytes)> photos)
    {
        private readonly ConcurrentQueue<(string FileName, byte[] Bytes)[]> batches = new(photos.Chunk(2));
        private readonly ConcurrentDictionary<string, long> accepted = new();
        private readonly ConcurrentDictionary<long, bool> thumbnailed = new();
        private readonly SemaphoreSlim released = new(0);
        private int uploadsInFlight, thumbnailsInFlight, uploadersLeft = 3;

        public int UploadsInFlight => Volatile.Read(ref uploadsInFlight);
        public int ThumbnailsInFlight => Volatile.Read(ref thumbnailsInFlight);
        public IReadOnlyDictionary<string, long> Accepted => accepted;
        public ConcurrentQueue<string> Unexpected { get; } = new();

        /// <summary>Lets the uploaders send this many more requests.</summary>
        public void Release(int batches) => released.Release(batches);

        public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(
            Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => UploadAsync(cancellationToken)))),
            Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => ViewThumbnailsAsync(cancellationToken)))));

        private async Task UploadAsync(CancellationToken cancellationToken)
        {
            try
            {
                while (true)
                {
                    await released.WaitAsync(cancellationToken);
                    if (!batches.TryDequeue(out var batch)) break;
                    while (!await TryUploadAsync(batch, cancellationToken)) await Task.Delay(100, cancellationToken);
                    await Task.Delay(150, cancellationToken);
                }
            }
            finally
            {
                Interlocked.Decrement(ref uploadersLeft);
            }
        }

        private async Task<bool> TryUploadAsync((string FileName, byte[] Bytes)[] batch, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref uploadsInFlight);
            try
            {
                using var response = await tracker.UploadAsync(projectId, batch, cancellationToken: cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if ((int)response.StatusCode != 202)
                {
                    Unexpected.Enqueue($"upload answered {(int)response.StatusCode}: {body}");
                    return false;
                }
                foreach (var file in JsonDocument.Parse(body).RootElement.EnumerateArray())
                {
                    if (!file.TryGetProperty("id", out var id)) Unexpected.Enqueue($"refused: {file}");
                    else accepted[file.GetProperty("fileName").GetString()!] = id.GetInt64();
                }
                return true;
            }
            catch (Exception e) when (IsNoAnswer(e, cancellationToken))
            {
                return false; // no answer: the server was killed, or is not back yet
            }
            finally
            {
                Interlocked.Decrement(ref uploadsInFlight);
            }
        }

        // What a request to a server killed under it can end in. HttpClient usually wraps the socket's failure, but a
        // connection reset while it reads the new socket's address comes out bare ("Transport endpoint is not connected").
        private static bool IsNoAnswer(Exception e, CancellationToken cancellationToken) =>
            e is HttpRequestException or IOException or InvalidOperationException or System.Net.Sockets.SocketException
            || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested);

        private async Task ViewThumbnailsAsync(CancellationToken cancellationToken)
        {
            var random = new Random();
            while (true)
            {
                var waiting = accepted.Values.Where(id => !thumbnailed.ContainsKey(id)).ToList();
                if (waiting.Count == 0)
                {
                    if (Volatile.Read(ref uploadersLeft) == 0) return;
                    await Task.Delay(50, cancellationToken);
                    continue;
                }
                var photoId = waiting[random.Next(waiting.Count)];
                Interlocked.Increment(ref thumbnailsInFlight);
                try
                {
                    using var response = await tracker.Http.GetAsync(tracker.Url($"/api/photos/{photoId}/thumbnail"), cancellationToken);
                    if (response.IsSuccessStatusCode) thumbnailed[photoId] = true;
                    else Unexpected.Enqueue($"thumbnail of {photoId} answered {(int)response.StatusCode}");
                }
                catch (Exception e) when (IsNoAnswer(e, cancellationToken))
                {
                    await Task.Delay(100, cancellationToken);
                }
                finally
                {
                    Interlocked.Decrement(ref thumbnailsInFlight);
                }
            }
        }
    }
}
