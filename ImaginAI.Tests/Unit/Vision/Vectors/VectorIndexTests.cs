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

    [Fact]
    public void Search_SeveralVectors_ReturnsTopKBestFirst()
    {
        var index = new VectorIndex(Model, 2);
        index.Upsert(1, Unit(1, 0));
        index.Upsert(2, Unit(0, 1));
        index.Upsert(3, Unit(1, 1));
        index.Upsert(4, Unit(1, 0.2f));

        var hits = index.Search(Unit(1, 0.1f), 3);

        Assert.Equal([4L, 1L, 3L], hits.Select(h => h.Id));
        Assert.True(hits[0].Score >= hits[1].Score && hits[1].Score >= hits[2].Score);
        Assert.Equal(Unit(1, 0.1f)[0] * Unit(1, 0.2f)[0] + Unit(1, 0.1f)[1] * Unit(1, 0.2f)[1], hits[0].Score, 5);
    }

    [Fact]
    public void Search_WithFilter_ReturnsOnlyKeptIds()
    {
        var index = new VectorIndex(Model, 2);
        for (var id = 1; id <= 10; id++) index.Upsert(id, Unit(id, 10 - id + 0.5f));

        var hits = index.Search(Unit(1, 0), 10, id => id % 2 == 0);

        Assert.Equal([10L, 8L, 6L, 4L, 2L], hits.Select(h => h.Id));
    }

    [Fact]
    public void Remove_ExistingId_IsNoLongerFoundAndOthersStayIntact()
    {
        var index = new VectorIndex(Model, 3);
        index.Upsert(1, Unit(1, 0, 0));
        index.Upsert(2, Unit(0, 1, 0));
        index.Upsert(3, Unit(0, 0, 1));

        Assert.True(index.Remove(1));
        Assert.False(index.Remove(1));

        Assert.Equal(2, index.Count);
        Assert.False(index.TryGet(1, out _));
        Assert.True(index.TryGet(3, out var moved));
        Assert.Equal(Unit(0, 0, 1), moved);
        Assert.Equal(3L, index.Search(Unit(0, 0, 1), 1)[0].Id);
    }

    [Fact]
    public void Upsert_SameIdTwice_ReplacesTheVector()
    {
        var index = new VectorIndex(Model, 2);
        index.Upsert(7, Unit(1, 0));
        index.Upsert(7, Unit(0, 1));

        Assert.Equal(1, index.Count);
        Assert.True(index.TryGet(7, out var stored));
        Assert.Equal(Unit(0, 1), stored);
    }

    [Fact]
    public void Upsert_VectorOfAnotherModel_Throws()
    {
        var index = new VectorIndex(Model, 2);

        Assert.Throws<ArgumentException>(() => index.Upsert(1, new FeatureVector("other/layer/ffff", Unit(1, 0))));
        Assert.Throws<ArgumentException>(() => index.Upsert(1, Unit(1, 0, 0)));
    }

    [Fact]
    public void Search_ConcurrentWritersAndReaders_SeesConsistentResults()
    {
        var index = new VectorIndex(Model, 16);
        var random = new Random(3);
        var vectors = Enumerable.Range(0, 2000).Select(_ => Unit(Enumerable.Range(0, 16).Select(_ => random.NextSingle() - 0.5f).ToArray())).ToArray();

        Parallel.For(0, 2000, i =>
        {
            index.Upsert(i, vectors[i]);
            if (i % 3 == 0) index.Remove(i);
            var hits = index.Search(vectors[i], 5);
            Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Score >= p.Second.Score));
        });

        Assert.Equal(2000 - 667, index.Count);
        Assert.Equal(1L, index.Search(vectors[1], 1)[0].Id);
        Assert.True(index.TryGet(1999, out var last));
        Assert.Equal(vectors[1999], last);
    }

    [Fact]
    public void VectorBlob_RoundTripThroughIndex_FindsTheSameVector()
    {
        var index = new VectorIndex(Model, 4);
        var original = Unit(0.1f, 0.2f, 0.3f, 0.4f);
        index.Upsert(42, VectorMath.FromBlob(VectorMath.ToBlob(original)));

        var hit = index.Search(original, 1).Single();

        Assert.Equal(42L, hit.Id);
        Assert.Equal(1f, hit.Score, 5);
    }
}
