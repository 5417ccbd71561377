using System.Globalization;
using System.Text.Json;

namespace ImaginAI.Tracker.Cli;

/// <summary>
/// <c>bench load [--uploaders 50] [--photos-per-uploader 20] [--watchers 20] [--long-side 1600] [--photos DIR]
/// [--timeout-minutes 20]</c>: starts this build as a separate server on 127.0.0.1 with a fresh data directory, runs
/// <see cref="LoadRun"/> against it, prints a table and one JSON line, then stops the server and deletes its data.
/// </summary>
internal static class BenchLoadVerb
{
    public const string Usage = "usage: bench load [--uploaders 50] [--photos-per-uploader 20] [--watchers 20] [--long-side 1600] [--photos DIR] [--timeout-minutes 20]";

    public static async Task<int> RunAsync(string[] args)
    {
        var (options, _) = CliVerbs.Parse(args);
        int Number(string name, int fallback) =>
            options.TryGetValue(name, out var text) && int.TryParse(text, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : fallback;
        var uploaders = Number("--uploaders", 50);
        var settings = new LoadSettings(uploaders, Number("--photos-per-uploader", 20), Number("--watchers", 20),
            Projects: Math.Max(1, uploaders / 10), Number("--long-side", 1600), TimeSpan.FromMinutes(Number("--timeout-minutes", 20)));
        var photosDirectory = options.GetValueOrDefault("--photos") ?? Environment.GetEnvironmentVariable("IMAGINAI_PHOTOS");
        if (photosDirectory is null || !Directory.Exists(photosDirectory))
        {
            Console.Error.WriteLine($"{Usage}\nGive a folder of real .jpg photos with --photos or IMAGINAI_PHOTOS (scripts/fetch-photos.sh fetches some).");
            return 2;
        }

        var loadBefore = VisionBenchmark.LoadAverage();
        Console.WriteLine($"bench load: {settings.Uploaders} uploaders x {settings.PhotosPerUploader} photos, {settings.Watchers} watchers, " +
                          $"{settings.Projects} projects, {Environment.ProcessorCount} cores, load average {loadBefore}");
        var photos = PhotoSet.Make(photosDirectory, settings.Uploaders * settings.PhotosPerUploader + 3 * settings.Projects, settings.LongSide);
        Console.WriteLine($"{photos.Count} distinct photos made from {photosDirectory}: long side {settings.LongSide} px, " +
                          $"{photos.Average(p => p.Bytes.Length) / 1024:F0} KB on average");

        var email = "bench@load.local";
        var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var dataDirectory = Path.Combine(Path.GetTempPath(), "imaginai-bench-load-" + Guid.NewGuid().ToString("N"));
        await using var server = new ServerProcess(ServerProcess.ThisTrackerDll, dataDirectory, new Dictionary<string, string?>
        {
            ["Admin:Email"] = email,
            ["Admin:Password"] = password,
        });
        LoadReport report;
        try
        {
            await server.StartAsync();
            report = await new LoadRun(server, email, password, settings, photos).RunAsync();
        }
        finally
        {
            await server.StopAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
        var loadAfter = VisionBenchmark.LoadAverage();

        Console.WriteLine($"{"figure",-44} {"value",12}  target");
        void Row(string name, string value, string target = "") => Console.WriteLine($"{name,-44} {value,12}  {target}");
        Row("photos sent / accepted (202)", $"{report.PhotosSent} / {report.Accepted}");
        Row("lost (not decided)", report.Lost.ToString(CultureInfo.InvariantCulture), "0");
        Row("failed", report.Failed.ToString(CultureInfo.InvariantCulture));
        Row("5xx answers", report.ServerErrors.ToString(CultureInfo.InvariantCulture), "0");
        Row("database-busy answers", report.DatabaseBusy.ToString(CultureInfo.InvariantCulture));
        Row("other non-202 answers", report.OtherErrors.ToString(CultureInfo.InvariantCulture));
        Row("upload latency p50 / p95 / p99 (ms)", $"{report.P50Ms:F0} / {report.P95Ms:F0} / {report.P99Ms:F0}");
        Row("upload latency max (ms)", report.MaxMs.ToString("F0", CultureInfo.InvariantCulture));
        Row("every photo decided after (s)", report.SecondsUntilAllDecided.ToString("F1", CultureInfo.InvariantCulture));
        Row("every watcher told after (s)", report.SecondsUntilAllWatchersKnew.ToString("F1", CultureInfo.InvariantCulture));
        Row("events per watcher (min / max)", $"{report.EventsPerWatcher.Min()} / {report.EventsPerWatcher.Max()}");
        Row("final states not heard", report.MissingEvents.ToString(CultureInfo.InvariantCulture), "0");
        Row("events out of order", report.OutOfOrderEvents.ToString(CultureInfo.InvariantCulture), "0");
        Row("server peak RSS (MB)", (report.PeakRssBytes / 1048576).ToString(CultureInfo.InvariantCulture), "<= 1536");
        Console.WriteLine($"load average after: {loadAfter}; targets {(report.TargetsMet ? "MET" : "NOT MET")}");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            bench = "load", settings.Uploaders, settings.PhotosPerUploader, settings.Watchers, settings.LongSide,
            report.PhotosSent, report.Accepted, report.Lost, report.Failed, report.ServerErrors, report.DatabaseBusy,
            p50Ms = Math.Round(report.P50Ms), p95Ms = Math.Round(report.P95Ms), p99Ms = Math.Round(report.P99Ms),
            allDecidedSeconds = Math.Round(report.SecondsUntilAllDecided, 1), report.EventsPerWatcher, report.MissingEvents,
            report.OutOfOrderEvents, peakRssMb = report.PeakRssBytes / 1048576, loadBefore, loadAfter, report.TargetsMet,
        }, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        return report.TargetsMet ? 0 : 1;
    }
}
