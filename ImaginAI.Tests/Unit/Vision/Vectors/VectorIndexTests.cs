using ImaginAI.Vision.Vectors;

namespace ImaginAI.Tests.Unit.Vision.Vectors;

public class VectorIndexTests
{
    private const string Model = "test/layer/0123456789ab";

    private static float[] Unit(params float[] values)
    {
        VectorMath.NormalizeInPlace(values);
        return values;
    }

    /// <summary>The float32 vectors the index re-ranks with, kept in memory (the app reads them from SQLite).</summary>
    private sealed class StoredVectors(int dims) : IExactVectorSource
    {
        private readonly Dictionary<long, float[]> vectors = [];

        public void Add(long id, float[] vector)
        {
            lock (vectors) vectors[id] = vector;
        }

        public void Read(IReadOnlyList<long> ids, Span<float> destination, Span<bool> found)
        {
            lock (vectors)
                for (var i = 0; i < ids.Count; i++)
                    if (vectors.TryGetValue(ids[i], out var vector))
                    {
                        vector.CopyTo(destination.Slice(i * dims, dims));
                        found[i] = true;
                    }
        }

        /// <summary>Exact search, for comparison.</summary>
        public long[] Best(float[] query, int k, Func<long, bool>? keep = null)
        {
            lock (vectors)
                return vectors.Where(v => keep?.Invoke(v.Key) ?? true)
                    .OrderByDescending(v => VectorMath.Cosine(new FeatureVector(Model, query), new FeatureVector(Model, v.Value))).ThenBy(v => v.Key)
                    .Take(k).Select(v => v.Key).ToArray();
        }
    }

    private static (VectorIndex Index, StoredVectors Exact) Build(int dims, IEnumerable<(long Id, long Project, float[] Vector)> rows, VectorIndexSettings? settings = null)
    {
        var index = new VectorIndex(Model, dims, settings);
        var exact = new StoredVectors(dims);
        foreach (var (id, project, vector) in rows)
        {
            index.Upsert(id, project, vector);
            exact.Add(id, vector);
        }
        return (index, exact);
    }

    /// <summary>Photos of a few sites per project, several of each spot: the shape of real project photos.</summary>
    private static List<(long Id, long Project, float[] Vector)> Clustered(int count, int dims, int projects, int seed)
    {
        var random = new Random(seed);
        float[] Near(float[] centre, float noise) =>
            Unit(centre.Select(x => x + noise * (random.NextSingle() * 2 - 1) / MathF.Sqrt(dims / 3f)).ToArray());
        var common = Unit(Enumerable.Range(0, dims).Select(_ => random.NextSingle() * 2 - 1).ToArray());
        var sites = Enumerable.Range(0, projects * 3).Select(_ => Near(common.Select(x => 0.75f * x).ToArray(), 1f)).ToArray();
        var rows = new List<(long, long, float[])>();
        var spot = sites[0];
        for (var i = 0; i < count; i++)
        {
            var project = i % projects;
            if (i / projects % 8 == 0) spot = Near(sites[project * 3 + random.Next(3)], 0.6f);
            rows.Add((i + 1, project + 1, Near(spot, 0.35f)));
        }
        return rows;
    }

    [Fact]
    public void Search_SeveralVectors_ReturnsTopKBestFirstWithExactScores()
    {
        var (index, exact) = Build(2, [(1, 1, Unit(1, 0)), (2, 1, Unit(0, 1)), (3, 1, Unit(1, 1)), (4, 1, Unit(1, 0.2f))]);

        var hits = index.Search(Unit(1, 0.1f), 3, exact: exact);

        Assert.Equal([4L, 1L, 3L], hits.Select(h => h.Id));
        Assert.Equal(Unit(1, 0.1f)[0] * Unit(1, 0.2f)[0] + Unit(1, 0.1f)[1] * Unit(1, 0.2f)[1], hits[0].Score, 6);
    }

    [Fact]
    public void Search_WithFilter_ReturnsOnlyKeptIds()
    {
        var (index, exact) = Build(2, Enumerable.Range(1, 10).Select(id => ((long)id, 1L, Unit(id, 10 - id + 0.5f))));

        var hits = index.Search(Unit(1, 0), 10, filter: id => id % 2 == 0, exact: exact);

        Assert.Equal([10L, 8L, 6L, 4L, 2L], hits.Select(h => h.Id));
    }

    [Fact]
    public void Search_WithinSomeProjects_ReturnsOnlyTheirPhotos()
    {
        var (index, exact) = Build(2, [(1, 10, Unit(1, 0)), (2, 20, Unit(1, 0.01f)), (3, 30, Unit(1, 0.02f)), (4, 20, Unit(0, 1))]);

        var hits = index.Search(Unit(1, 0), 10, projects: [20, 30], exact: exact);

        Assert.Equal([2L, 3L, 4L], hits.Select(h => h.Id));
        Assert.Equal(2, index.CountInPartition(20));
    }

    [Fact]
    public void Remove_ExistingId_IsNoLongerFoundAndOthersStayIntact()
    {
        var (index, exact) = Build(3, [(1, 1, Unit(1, 0, 0)), (2, 1, Unit(0, 1, 0)), (3, 1, Unit(0, 0, 1))]);

        Assert.True(index.Remove(1));
        Assert.False(index.Remove(1));

        Assert.Equal(2, index.Count);
        Assert.False(index.Contains(1));
        Assert.Equal([3L, 2L], index.Search(Unit(1, 0, 1), 3, exact: exact).Select(h => h.Id));
    }

    [Fact]
    public void Upsert_SameIdTwice_ReplacesTheVector()
    {
        var (index, exact) = Build(2, [(7, 1, Unit(1, 0)), (8, 1, Unit(0.5f, 0.5f))]);
        index.Upsert(7, 1, Unit(0, 1));
        exact.Add(7, Unit(0, 1));

        Assert.Equal(2, index.Count);
        Assert.Equal(7L, index.Search(Unit(0, 1), 1, exact: exact)[0].Id);
        Assert.Equal(8L, index.Search(Unit(1, 0), 1, exact: exact)[0].Id);
    }

    [Fact]
    public void Upsert_VectorOfAnotherLengthOrModel_Throws()
    {
        var index = new VectorIndex(Model, 2);

        Assert.Throws<ArgumentException>(() => index.Upsert(1, 1, Unit(1, 0, 0)));
        Assert.Throws<ArgumentException>(() => index.Search(new FeatureVector("other/layer/ffff", Unit(1, 0)), 1));
    }

    [Fact]
    public void Search_ConcurrentWritersAndReaders_SeesConsistentResults()
    {
        var random = new Random(3);
        var vectors = Enumerable.Range(0, 2000).Select(_ => Unit(Enumerable.Range(0, 16).Select(_ => random.NextSingle() - 0.5f).ToArray())).ToArray();
        var index = new VectorIndex(Model, 16);
        var exact = new StoredVectors(16);

        Parallel.For(0, 2000, i =>
        {
            exact.Add(i, vectors[i]);
            index.Upsert(i, i % 7, vectors[i]);
            if (i % 3 == 0) index.Remove(i);
            var hits = index.Search(vectors[i], 5, exact: exact);
            Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Score >= p.Second.Score));
        });

        Assert.Equal(2000 - 667, index.Count);
        Assert.Equal(1L, index.Search(vectors[1], 1, exact: exact)[0].Id);
    }

    [Fact]
    public void Search_PartitionedIndexOfThousandsOfVectors_FindsWhatExactSearchFinds()
    {
        const int Dims = 128;
        var rows = Clustered(6000, Dims, projects: 20, seed: 5);
        var (index, exact) = Build(Dims, rows, new VectorIndexSettings { MinVectorsForPartitions = 1000 });
        Assert.True(index.BuildPartitions());
        Assert.True(index.IsPartitioned);
        var random = new Random(9);

        double found = 0, inProjectsFound = 0;
        const int Queries = 100;
        for (var q = 0; q < Queries; q++)
        {
            var query = Unit(rows[random.Next(rows.Count)].Vector.Select(x => x + 0.2f * (random.NextSingle() * 2 - 1) / MathF.Sqrt(Dims / 3f)).ToArray());
            var truth = exact.Best(query, 10);
            found += index.Search(query, 10, exact: exact).Select(h => h.Id).Intersect(truth).Count() / 10.0;
            var someProjects = new long[] { 1 + q % 20, 1 + (q + 7) % 20 };
            var projectTruth = exact.Best(query, 10, id => someProjects.Contains(rows[(int)id - 1].Project));
            inProjectsFound += index.Search(query, 10, projects: someProjects, exact: exact).Select(h => h.Id).Intersect(projectTruth).Count() / 10.0;
        }

        Assert.True(found / Queries >= 0.99, $"recall@10 over everything {found / Queries:0.000}");
        Assert.True(inProjectsFound / Queries >= 0.99, $"recall@10 within two projects {inProjectsFound / Queries:0.000}");
    }

    [Fact]
    public void Upsert_AfterPartitioning_IsFoundAtOnce()
    {
        var rows = Clustered(3000, 32, projects: 5, seed: 2);
        var (index, exact) = Build(32, rows, new VectorIndexSettings { MinVectorsForPartitions = 1000 });
        index.BuildPartitions();
        var added = Unit(Enumerable.Range(0, 32).Select(i => i % 2 == 0 ? 1f : -1f).ToArray());

        index.Upsert(99_999, 3, added);
        exact.Add(99_999, added);

        Assert.Equal(99_999L, index.Search(added, 1, exact: exact)[0].Id);
        Assert.Equal(99_999L, index.Search(added, 1, projects: [3], exact: exact)[0].Id);
    }

    [Fact]
    public void SaveTo_ThenLoadFrom_SearchesAlikeAndKeepsTheStamp()
    {
        var rows = Clustered(2500, 24, projects: 4, seed: 4);
        var (index, exact) = Build(24, rows, new VectorIndexSettings { MinVectorsForPartitions = 1000 });
        index.BuildPartitions();
        index.Remove(5);
        var path = Path.Combine(Path.GetTempPath(), $"index-{Guid.NewGuid():N}.vidx");
        try
        {
            index.SaveTo(path, stamp: 1234);
            var loaded = VectorIndex.LoadFrom(path, out var stamp, index.Settings);

            Assert.Equal(1234, stamp);
            Assert.Equal(index.Count, loaded.Count);
            Assert.True(loaded.IsPartitioned);
            Assert.False(loaded.Contains(5));
            foreach (var (_, _, vector) in rows.Take(20))
                Assert.Equal(index.Search(vector, 10, exact: exact), loaded.Search(vector, 10, exact: exact));
            Assert.Empty(Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + ".*.tmp"));
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("flipped")]
    [InlineData("truncated")]
    [InlineData("empty")]
    public void LoadFrom_DamagedFile_ThrowsInvalidData(string damage)
    {
        var (index, _) = Build(8, Clustered(300, 8, projects: 2, seed: 1));
        var path = Path.Combine(Path.GetTempPath(), $"index-{Guid.NewGuid():N}.vidx");
        try
        {
            index.SaveTo(path, stamp: 1);
            var bytes = File.ReadAllBytes(path);
            bytes = damage switch
            {
                "flipped" => bytes.Select((b, i) => i == bytes.Length / 2 ? (byte)(b ^ 0x40) : b).ToArray(),
                "truncated" => bytes[..(bytes.Length - 100)],
                _ => [],
            };
            File.WriteAllBytes(path, bytes);

            Assert.Throws<InvalidDataException>(() => VectorIndex.LoadFrom(path, out _));
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(64)]
    [InlineData(100)]
    [InlineData(4096)]
    public void Dot_AnyLength_EqualsTheScalarSum(int length)
    {
        var random = new Random(length);
        var query = Enumerable.Range(0, length).Select(_ => (short)random.Next(-Int8Codes.QueryLevels, Int8Codes.QueryLevels + 1)).ToArray();
        var codes = Enumerable.Range(0, length).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();

        Assert.Equal(query.Zip(codes).Sum(p => p.First * p.Second), Int8Codes.Dot(query, codes));
    }
}
