using ImaginAI.Tracker.Cluster;
using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text.Json;
using ImaginAI.Tracker.Data;
using ImaginAI.Tracker.Matching;
using ImaginAI.Vision.Vectors;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Cli;

/// <summary>
/// <c>bench search --vectors N --dims D [--projects P] [--queries Q] [--keep DIR]</c>: writes N clustered unit
/// vectors into a real tracker database, starts the similarity index the way the app does (read from the database,
/// partitioned, saved, loaded again from the file) and times searches over three workloads against an exact float32
/// scan over both cores in the same run. Prints a table; the last line is the JSON of the search over everything.
/// </summary>
internal static class BenchSearchVerb
{
    public const string Usage = "usage: bench search --vectors N --dims D [--projects P] [--queries Q] [--keep DIR]";

    public static int Run(string[] args)
    {
        var (options, operands) = CliVerbs.Parse(args);
        if (operands.Count > 0 || !TryInt(options, "--vectors", 100_000, out var vectors) || !TryInt(options, "--dims", 512, out var dims)
            || !TryInt(options, "--projects", Math.Max(1, vectors / 1000), out var projects) || !TryInt(options, "--queries", 200, out var queries)
            || projects > vectors || (long)vectors / projects * dims > Array.MaxLength / 2)
        {
            Console.Error.WriteLine(Usage);
            Console.Error.WriteLine("Every number is a positive whole number, with at most one project per vector.");
            return 2;
        }
        return new SearchBenchmark(vectors, dims, projects, queries, options.GetValueOrDefault("--keep")).RunAsync().GetAwaiter().GetResult();
    }

    private static bool TryInt(Dictionary<string, string> options, string name, int fallback, out int value)
    {
        value = fallback;
        return !options.TryGetValue(name, out var text) || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0);
    }
}

internal sealed class SearchBenchmark(int vectorCount, int dims, int projectCount, int queryCount, string? keepDirectory)
{
    private const string ModelId = "bench/clustered/000000000000";
    private const int K = 10;
    private const int PhotosPerSpot = 8;
    private const int SitesPerProject = 3;
    private readonly List<string[]> table = [];

    /// <summary>Each project's vectors, row-major, and the id of its first photo (ids run on within a project).</summary>
    private float[][] vectorsOf = [];
    private long[] firstIdOf = [];
    private int[] sizeOf = [];

    public async Task<int> RunAsync()
    {
        var directory = keepDirectory ?? Path.Combine(Path.GetTempPath(), $"imaginai-bench-search-{Guid.NewGuid():N}");
        var loadBefore = VisionBenchmark.LoadAverage();
        Console.WriteLine($"bench search: {vectorCount:N0} × {dims}-d in {projectCount:N0} projects, {queryCount} queries a workload, top-{K}; " +
            $"{Environment.ProcessorCount} cores ({VisionBenchmark.CpuModel()}), load average {loadBefore}");
        try
        {
            var clock = Stopwatch.StartNew();
            Generate();
            Console.WriteLine($"generated the vectors in {clock.Elapsed.TotalSeconds:0.0} s");

            var storage = Options.Create(new StorageOptions { DataDirectory = directory });
            var db = new TrackerDb(storage);
            await new DatabaseMigrator(db, new WorkClaims(db, NullLogger<WorkClaims>.Instance), storage, NullLogger<DatabaseMigrator>.Instance).StartAsync(CancellationToken.None);
            clock.Restart();
            var store = new VectorIndexRepository(db);
            // A kept folder from an earlier run of the same size already holds these (deterministic) vectors.
            if (await store.CountAsync(ModelId) != vectorCount)
            {
                WriteDatabase(db);
                Console.WriteLine($"wrote them to {storage.Value.DatabasePath} in {clock.Elapsed.TotalSeconds:0.0} s");
            }
            else Console.WriteLine($"reusing {storage.Value.DatabasePath}");
            var indexFile = new VectorIndexRegistry(store, Options.Create(new VectorIndexOptions()), storage, new LocalClusterBus(NullLogger<LocalClusterBus>.Instance), NullLogger<VectorIndexRegistry>.Instance).IndexPath(ModelId);
            if (File.Exists(indexFile)) File.Delete(indexFile);

            // Start-up without a file: one data reader straight into the index, then the partitions (in the app both
            // run in the background while searches scan exactly).
            var indexOptions = new VectorIndexOptions();
            var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            var (readCpu, buildCpu) = (Process.GetCurrentProcess().TotalProcessorTime, TimeSpan.Zero);
            clock.Restart();
            var index = new VectorIndex(ModelId, dims, indexOptions.ToSettings());
            var stamp = store.LoadAll(index, CancellationToken.None);
            var readSeconds = clock.Elapsed.TotalSeconds;
            (readCpu, buildCpu) = (Process.GetCurrentProcess().TotalProcessorTime - readCpu, Process.GetCurrentProcess().TotalProcessorTime);
            clock.Restart();
            index.BuildPartitions();
            var buildSeconds = clock.Elapsed.TotalSeconds;
            buildCpu = Process.GetCurrentProcess().TotalProcessorTime - buildCpu;
            var memoryMb = index.MemoryBytes / 1048576.0;
            var heapMb = (GC.GetTotalMemory(forceFullCollection: true) - heapBefore) / 1048576.0;
            Console.WriteLine($"read from the database in {readSeconds:0.00} s ({readCpu.TotalSeconds:0.00} s of CPU); partitions built in {buildSeconds:0.00} s " +
                $"({buildCpu.TotalSeconds:0.00} s of CPU); index {memoryMb:0} MB (managed heap +{heapMb:0} MB)");

            var registry = new VectorIndexRegistry(store, Options.Create(indexOptions), storage, new LocalClusterBus(NullLogger<LocalClusterBus>.Instance), NullLogger<VectorIndexRegistry>.Instance);
            var path = registry.IndexPath(ModelId);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            clock.Restart();
            index.SaveTo(path, stamp);
            await store.RecordSavedAsync(ModelId, stamp);
            var saveSeconds = clock.Elapsed.TotalSeconds;
            var fileMb = new FileInfo(path).Length / 1048576.0;
            index = null;
            GC.Collect();

            // Start-up with the file, exactly as the app: load, check the stamp, catch up, compare counts.
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            clock.Restart();
            await registry.WhenLoadedAsync(ModelId, dims);
            var loadSeconds = clock.Elapsed.TotalSeconds;
            var loadCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            Console.WriteLine($"saved ({fileMb:0} MB) in {saveSeconds:0.00} s; start-up from the file: searchable in {loadSeconds:0.00} s, " +
                $"{loadCpuSeconds:0.00} s of CPU ({registry.GetState(ModelId)})");

            var scanOnly = vectorCount >= indexOptions.MinVectorsForPartitions
                ? VectorIndex.LoadFrom(path, out _, indexOptions.ToSettings() with { PartitionedSearchShare = double.PositiveInfinity })
                : null;
            var exact = store.ExactVectors(ModelId, dims);

            var random = new Random(7);
            var one = new[] { 0 };
            var fifty = Enumerable.Range(1, Math.Min(50, projectCount - 1)).ToArray();
            var all = Enumerable.Range(0, projectCount).ToArray();
            var results = new List<Result>
            {
                Measure($"1. one project ({sizeOf[0]:N0})", one, random, (q, ids) => registry.Search(ModelId, dims, q, K, ids)),
            };
            if (fifty.Length > 0)
                results.Add(Measure($"2. {fifty.Length} projects ({fifty.Sum(p => sizeOf[p]):N0})", fifty, random, (q, ids) => registry.Search(ModelId, dims, q, K, ids)));
            var everything = Measure($"3. everything ({vectorCount:N0})", all, random, (q, _) => registry.Search(ModelId, dims, q, K));
            results.Add(everything);
            if (scanOnly is not null)
                results.Add(Measure($"3. everything, int8 scan without partitions (candidate)", all, random, (q, _) => scanOnly.Search(q, K, null, null, exact), Math.Min(queryCount, 50)));

            Console.WriteLine();
            Console.WriteLine("| workload | index p50 | p95 | thread CPU p50 | p95 | process CPU mean | recall@10 | exact float32 scan (2 cores) p50 | p95 | process CPU mean | p95 ratio |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in results)
                Console.WriteLine($"| {r.Name} | {r.P50:0.00} ms | {r.P95:0.00} ms | {r.ThreadCpuP50:0.00} ms | {r.ThreadCpuP95:0.00} ms | {r.CpuMs:0.00} ms | {r.Recall:0.0000} | " +
                    $"{r.BaselineP50:0.00} ms | {r.BaselineP95:0.00} ms | {r.BaselineCpuMs:0.00} ms | {r.BaselineP95 / r.P95:0.0}× |");
            Console.WriteLine();
            Console.WriteLine($"index memory {memoryMb:0} MB (file {fileMb:0} MB); read from the database {readSeconds:0.00} s; partitions {buildSeconds:0.00} s; " +
                $"save {saveSeconds:0.00} s; start-up from the file {loadSeconds:0.00} s; process working set {Environment.WorkingSet / 1048576.0:0} MB; " +
                $"load average before {loadBefore}, after {VisionBenchmark.LoadAverage()}");
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                vectors = vectorCount,
                dims,
                p50Ms = Math.Round(everything.P50, 2),
                p95Ms = Math.Round(everything.P95, 2),
                recallAt10 = Math.Round(everything.Recall, 4),
                memoryMb = Math.Round(memoryMb),
                loadSeconds = Math.Round(loadSeconds, 2),
                baselineP95Ms = Math.Round(everything.BaselineP95, 2),
            }));
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (keepDirectory is null && Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Wall-clock percentiles, plus the mean CPU time of one search (all its threads): on a shared, loaded machine
    /// the wall clock mostly measures the other tenants, CPU time does not.</summary>
    private sealed record Result(string Name, double P50, double P95, double Recall, double BaselineP50, double BaselineP95, double CpuMs, double BaselineCpuMs,
        double ThreadCpuP50, double ThreadCpuP95);

    private delegate IReadOnlyList<VectorHit> Searcher(float[] query, IReadOnlyCollection<long> projectIds);

    /// <summary>Queries are new photos of a stored photo's spot; the index and the exact scan alternate which goes first.</summary>
    private Result Measure(string name, int[] projects, Random random, Searcher search, int? queries = null)
    {
        var projectIds = projects.Select(p => (long)(p + 1)).ToArray();
        var count = queries ?? queryCount;
        var indexMs = new List<double>();
        var baselineMs = new List<double>();
        var (indexCpu, baselineCpu) = (0.0, 0.0);
        var threadMs = new List<double>();
        var recall = 0.0;
        // One warm-up of each, untimed.
        var warm = Query(projects, random);
        search(warm, projectIds);
        ExactScan(warm, projects);
        for (var i = 0; i < count; i++)
        {
            var query = Query(projects, random);
            IReadOnlyList<VectorHit> hits, truth;
            if (i % 2 == 0)
            {
                (hits, var ms, var cpu, var thread) = Time(() => search(query, projectIds));
                indexCpu += cpu;
                indexMs.Add(ms);
                threadMs.Add(thread);
                (truth, ms, cpu, _) = Time(() => ExactScan(query, projects));
                baselineMs.Add(ms);
                baselineCpu += cpu;
            }
            else
            {
                (truth, var ms, var cpu, _) = Time(() => ExactScan(query, projects));
                baselineMs.Add(ms);
                baselineCpu += cpu;
                (hits, ms, cpu, var thread) = Time(() => search(query, projectIds));
                indexMs.Add(ms);
                threadMs.Add(thread);
                indexCpu += cpu;
            }
            recall += hits.Select(h => h.Id).Intersect(truth.Select(t => t.Id)).Count() / (double)Math.Max(1, truth.Count);
        }
        var result = new Result(name, Percentile(indexMs, 0.5), Percentile(indexMs, 0.95), recall / count, Percentile(baselineMs, 0.5), Percentile(baselineMs, 0.95),
            indexCpu / count, baselineCpu / count, Percentile(threadMs, 0.5), Percentile(threadMs, 0.95));
        Console.WriteLine($"{name}: p50 {result.P50:0.00} ms, p95 {result.P95:0.00} ms, thread CPU p50 {result.ThreadCpuP50:0.00} ms, p95 {result.ThreadCpuP95:0.00} ms, " +
            $"process CPU {result.CpuMs:0.00} ms, recall@10 {result.Recall:0.0000}; " +
            $"exact scan p50 {result.BaselineP50:0.00} ms, p95 {result.BaselineP95:0.00} ms, CPU {result.BaselineCpuMs:0.00} ms");
        return result;
    }

    /// <summary>
    /// Wall-clock, process CPU (all threads; 10 ms ticks, so only its mean means anything) and the calling thread's
    /// CPU (nanoseconds; the whole cost of a search that stays on one thread, as the index's do below 65,536 rows).
    /// </summary>
    private static (T Value, double Ms, double CpuMs, double ThreadCpuMs) Time<T>(Func<T> run)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var thread = ThreadCpuMs();
        var clock = Stopwatch.StartNew();
        var value = run();
        var wall = clock.Elapsed.TotalMilliseconds;
        var threadCpu = ThreadCpuMs() - thread;
        process.Refresh();
        return (value, wall, (process.TotalProcessorTime - cpu).TotalMilliseconds, threadCpu);
    }

    private const int ClockThreadCpuTime = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private static double ThreadCpuMs() =>
        OperatingSystem.IsLinux() && ClockGetTime(ClockThreadCpuTime, out var t) == 0 ? t.Seconds * 1e3 + t.Nanoseconds / 1e6 : double.NaN;

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    /// <summary>The baseline: every float32 vector of the projects compared with the query, over all cores.</summary>
    private IReadOnlyList<VectorHit> ExactScan(float[] query, int[] projects)
    {
        const int ChunkRows = 8192;
        var chunks = projects.SelectMany(p => Enumerable.Range(0, (sizeOf[p] + ChunkRows - 1) / ChunkRows).Select(c => (Project: p, Start: c * ChunkRows))).ToArray();
        var best = new List<VectorHit>();
        Parallel.For(0, Environment.ProcessorCount, worker =>
        {
            var heap = new PriorityQueue<VectorHit, float>(K + 1);
            for (var c = worker; c < chunks.Length; c += Environment.ProcessorCount)
            {
                var (p, start) = chunks[c];
                var vectors = vectorsOf[p];
                for (var row = start; row < Math.Min(sizeOf[p], start + ChunkRows); row++)
                {
                    var score = TensorPrimitives.Dot(query, vectors.AsSpan(row * dims, dims));
                    if (heap.Count < K) heap.Enqueue(new VectorHit(firstIdOf[p] + row, score), score);
                    else if (score > heap.Peek().Score) heap.EnqueueDequeue(new VectorHit(firstIdOf[p] + row, score), score);
                }
            }
            lock (best) best.AddRange(heap.UnorderedItems.Select(i => i.Element));
        });
        return best.OrderByDescending(h => h.Score).ThenBy(h => h.Id).Take(K).ToList();
    }

    private float[] Query(int[] projects, Random random)
    {
        var p = projects[random.Next(projects.Length)];
        var query = vectorsOf[p].AsSpan(random.Next(sizeOf[p]) * dims, dims).ToArray();
        Perturb(query, random, 0.35f);
        return query;
    }

    /// <summary>
    /// Photos of one project come from a few sites sharing a common look (like CNN features of outdoor photos,
    /// about 0.25 cosine between sites); each site has spots photographed several times (about 0.9 cosine).
    /// </summary>
    private void Generate()
    {
        sizeOf = new int[projectCount];
        if (projectCount == 1) sizeOf[0] = vectorCount;
        else
        {
            sizeOf[0] = Math.Min(5000, vectorCount / 2);
            var rest = vectorCount - sizeOf[0];
            for (var p = 1; p < projectCount; p++) sizeOf[p] = rest / (projectCount - 1) + (p - 1 < rest % (projectCount - 1) ? 1 : 0);
        }
        firstIdOf = new long[projectCount];
        for (var p = 1; p < projectCount; p++) firstIdOf[p] = firstIdOf[p - 1] + sizeOf[p - 1];
        for (var p = 0; p < projectCount; p++) firstIdOf[p] += 1;

        var common = Gaussian(new Random(1), dims);
        VectorMath.NormalizeInPlace(common);
        vectorsOf = new float[projectCount][];
        Parallel.For(0, projectCount, p =>
        {
            var random = new Random(1000 + p);
            var sites = Enumerable.Range(0, SitesPerProject).Select(_ =>
            {
                var site = Gaussian(random, dims);
                VectorMath.NormalizeInPlace(site);
                TensorPrimitives.MultiplyAdd(common, 0.6f / 0.8f, site, site);
                VectorMath.NormalizeInPlace(site);
                return site;
            }).ToArray();
            var vectors = vectorsOf[p] = new float[(long)sizeOf[p] * dims];
            var spot = new float[dims];
            for (var row = 0; row < sizeOf[p]; row++)
            {
                if (row % PhotosPerSpot == 0)
                {
                    sites[random.Next(SitesPerProject)].CopyTo(spot, 0);
                    Perturb(spot, random, 0.6f);
                }
                var photo = vectors.AsSpan(row * dims, dims);
                spot.CopyTo(photo);
                Perturb(photo, random, 0.35f);
            }
        });
    }

    private static void Perturb(Span<float> vector, Random random, float noise)
    {
        var n = Gaussian(random, vector.Length);
        TensorPrimitives.MultiplyAdd(n, noise / MathF.Sqrt(vector.Length), vector, vector);
        VectorMath.NormalizeInPlace(vector);
    }

    private static float[] Gaussian(Random random, int length)
    {
        var values = new float[length];
        for (var i = 0; i < length; i += 2)
        {
            // Box-Muller: two independent standard normals from two uniforms.
            var radius = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
            var angle = 2 * Math.PI * random.NextDouble();
            values[i] = (float)(radius * Math.Cos(angle));
            if (i + 1 < length) values[i + 1] = (float)(radius * Math.Sin(angle));
        }
        return values;
    }

    private void WriteDatabase(TrackerDb db)
    {
        // bench search measures the embedded install: its TrackerDb is always the SQLite file.
        using var connection = (SqliteConnection)db.Open();
        // A transaction per project: one for everything would grow the WAL to twice the database before a checkpoint.
        for (var p = 0; p < projectCount; p++)
        {
            using var transaction = connection.BeginTransaction();
            WriteProject(connection, transaction, p);
            transaction.Commit();
        }
        using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        checkpoint.ExecuteNonQuery();
    }

    private void WriteProject(SqliteConnection connection, SqliteTransaction transaction, int p)
    {
        using var project = Command(connection, transaction, """
            INSERT INTO projects (id, name, created_at) VALUES ($id, $name, '2026-11-27T00:00:00.000Z')
            """, "$id", "$name");
        using var photo = Command(connection, transaction, """
            INSERT INTO photos (id, project_id, file_name, sha256, content_type, size_bytes, width, height, taken_at, uploaded_at, status)
            VALUES ($id, $project, 'bench.jpg', $sha, 'image/jpeg', 1, 1, 1, '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', 'embedded')
            """, "$id", "$project", "$sha");
        using var embedding = Command(connection, transaction, $"""
            INSERT INTO embeddings (photo_id, model_id, dims, vector, created_at)
            VALUES ($id, '{ModelId}', {dims}, $vector, '2026-11-27T00:00:00.000Z')
            """, "$id", "$vector");
        project.Parameters[0].Value = p + 1;
        project.Parameters[1].Value = $"Project {p + 1}";
        project.ExecuteNonQuery();
        for (var row = 0; row < sizeOf[p]; row++)
        {
            var id = firstIdOf[p] + row;
            photo.Parameters[0].Value = id;
            photo.Parameters[1].Value = p + 1;
            photo.Parameters[2].Value = id.ToString(CultureInfo.InvariantCulture);
            photo.ExecuteNonQuery();
            embedding.Parameters[0].Value = id;
            embedding.Parameters[1].Value = VectorMath.ToBlob(vectorsOf[p].AsSpan(row * dims, dims));
            embedding.ExecuteNonQuery();
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters) command.Parameters.Add(new SqliteParameter { ParameterName = name });
        command.Prepare();
        return command;
    }
}
