using ImaginAI.Tracker.Cluster;
using Dapper;
using ImaginAI.Tracker.Data;
using ImaginAI.Tracker.Matching;
using ImaginAI.Vision.Vectors;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tests.Integration.Search;

/// <summary>
/// The similarity index file against a real tracker database: a damaged or stale file is never trusted, the index
/// is rebuilt from the database, and changes made by anyone reach searches through the change log.
/// </summary>
public sealed class VectorIndexFileTests : IAsyncLifetime
{
    private const string Model = "test/layer/0123456789ab";
    private const int Dims = 16;
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"imaginai-index-{Guid.NewGuid():N}");
    private readonly IOptions<StorageOptions> storage;
    private readonly TrackerDb db;
    private readonly VectorIndexRepository store;

    public VectorIndexFileTests()
    {
        storage = Options.Create(new StorageOptions { DataDirectory = directory });
        db = new TrackerDb(storage);
        store = new VectorIndexRepository(db);
    }

    public async Task InitializeAsync()
    {
        await new DatabaseMigrator(db, new WorkClaims(db, NullLogger<WorkClaims>.Instance), storage, NullLogger<DatabaseMigrator>.Instance).StartAsync(CancellationToken.None);
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync("INSERT INTO projects (id, name, created_at) VALUES (1, 'One', '2026-11-27T00:00:00.000Z'), (2, 'Two', '2026-11-27T00:00:00.000Z')");
        for (var id = 1; id <= 40; id++) await AddAsync(id, project: id % 2 + 1);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
        return Task.CompletedTask;
    }

    private static float[] VectorOf(long id)
    {
        var random = new Random((int)id);
        var vector = Enumerable.Range(0, Dims).Select(_ => random.NextSingle() * 2 - 1).ToArray();
        VectorMath.NormalizeInPlace(vector);
        return vector;
    }

    private async Task AddAsync(long id, long project)
    {
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync("""
            INSERT INTO photos (id, project_id, file_name, sha256, content_type, size_bytes, width, height, taken_at, uploaded_at, status)
            VALUES (@id, @project, 'p.jpg', @sha, 'image/jpeg', 1, 1, 1, '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', 'embedded');
            INSERT INTO embeddings (photo_id, model_id, dims, vector, created_at) VALUES (@id, @Model, @Dims, @vector, '2026-11-27T00:00:00.000Z');
            """, new { id, project, sha = $"sha-{id}", Model, Dims, vector = VectorMath.ToBlob(VectorOf(id)) });
    }

    private VectorIndexRegistry NewRegistry() =>
        new(store, Options.Create(new VectorIndexOptions { SaveIntervalSeconds = 1 }), storage, new LocalClusterBus(NullLogger<LocalClusterBus>.Instance),
            NullLogger<VectorIndexRegistry>.Instance);

    private static async Task<VectorIndexRegistry> LoadedAsync(VectorIndexRegistry registry)
    {
        await registry.WhenLoadedAsync(Model, Dims).WaitAsync(TimeSpan.FromSeconds(90));
        return registry;
    }

    private static long Best(VectorIndexRegistry registry, long id) => registry.Search(Model, Dims, VectorOf(id), 1)[0].Id;

    /// <summary>Every stored photo finds itself first, in its own project and over everything.</summary>
    private static void AssertFindsEveryPhoto(VectorIndexRegistry registry, int upTo)
    {
        for (var id = 1; id <= upTo; id++)
        {
            Assert.Equal(id, Best(registry, id));
            Assert.Equal(id, registry.Get(id % 2 + 1, Model, Dims).Search(VectorOf(id), 1)[0].Id);
        }
    }

    [Fact]
    public async Task Start_DamagedIndexFile_RebuildsFromTheDatabaseAndSavesASoundFile()
    {
        var first = await LoadedAsync(NewRegistry());
        await first.SaveAllAsync(DateTimeOffset.UtcNow);
        var path = first.IndexPath(Model);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(path, bytes);

        var second = await LoadedAsync(NewRegistry());

        Assert.Equal(VectorIndexState.Scan, second.GetState(Model));
        AssertFindsEveryPhoto(second, 40);
        await second.MaintainAsync(DateTimeOffset.UtcNow);
        var saved = VectorIndex.LoadFrom(path, out _);
        Assert.Equal(40, saved.Count);
    }

    [Fact]
    public async Task Start_StaleIndexFile_RebuildsAndFindsPhotosAddedSinceIt()
    {
        var first = await LoadedAsync(NewRegistry());
        await first.SaveAllAsync(DateTimeOffset.UtcNow);
        var path = first.IndexPath(Model);
        var old = await File.ReadAllBytesAsync(path);
        VectorIndex.LoadFrom(path, out var oldStamp);
        // Later photos, and a later save that forgets the changes the old file holds (a save forgets the changes up to
        // the previous save only: other nodes may still be applying the newer ones).
        for (var id = 41; id <= 50; id++) await AddAsync(id, project: id % 2 + 1);
        var later = await LoadedAsync(NewRegistry());
        await later.SaveAllAsync(DateTimeOffset.UtcNow);
        Assert.Equal(0, await TrackerDatabase.ScalarAsync<int>(storage.Value.DatabasePath, $"SELECT COUNT(*) FROM embedding_changes WHERE seq <= {oldStamp}"));
        await File.WriteAllBytesAsync(path, old);

        var restarted = await LoadedAsync(NewRegistry());

        AssertFindsEveryPhoto(restarted, 50);
        await restarted.MaintainAsync(DateTimeOffset.UtcNow);
        Assert.Equal(50, VectorIndex.LoadFrom(path, out _).Count);
    }

    [Fact]
    public async Task Start_CurrentIndexFile_CatchesUpWithChangesMadeWhileItWasClosed()
    {
        var first = await LoadedAsync(NewRegistry());
        await first.SaveAllAsync(DateTimeOffset.UtcNow);
        await AddAsync(41, project: 2);
        await using (var connection = await db.OpenAsync())
            await connection.ExecuteAsync("DELETE FROM photos WHERE id = 3");

        var restarted = await LoadedAsync(NewRegistry());

        Assert.Equal(41L, Best(restarted, 41));
        Assert.NotEqual(3L, Best(restarted, 3));
    }

    [Fact]
    public async Task Maintain_EmbeddingCommittedOrPhotoDeleted_SearchSeesItAfterOnePoll()
    {
        var registry = await LoadedAsync(NewRegistry());

        await AddAsync(77, project: 1);
        await using (var connection = await db.OpenAsync())
            await connection.ExecuteAsync("DELETE FROM photos WHERE id = 4");
        await registry.MaintainAsync(DateTimeOffset.UtcNow);

        Assert.Equal(77L, Best(registry, 77));
        Assert.DoesNotContain(4L, registry.Search(Model, Dims, VectorOf(4), 40).Select(h => h.Id));
    }
}
