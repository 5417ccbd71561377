using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Cli;
using Microsoft.Data.Sqlite;

namespace ImaginAI.Tests.Integration.Reliability;

/// <summary>
/// The data directory on a real, small tmpfs mounted for the test (the tests run as root, as CI does), filled up
/// with a plain file until the kernel answers ENOSPC, then emptied again.
/// SQLite only (not run in the PostgreSQL pass of .ci/run): it fills the disk under the SQLite file and its
/// write-ahead log (SQLITE_FULL); a PostgreSQL server's disk is the server's, out of the app's reach.
/// </summary>
[Trait("Database", "sqlite-file")]
public sealed class DiskFullTests : IAsyncLifetime
{
    private readonly string mountPoint = Path.Combine(Path.GetTempPath(), "imaginai-tests", "disk-full-" + Guid.NewGuid().ToString("N"));
    private string Filler => Path.Combine(mountPoint, "filler.bin");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(mountPoint);
        var (code, output) = await RunAsync("mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", mountPoint);
        if (code != 0)
            throw new InvalidOperationException($"This test mounts a 32 MB tmpfs and needs root (or CAP_SYS_ADMIN): mount said {output}");
    }

    [Fact]
    public async Task Upload_DataDiskFull_Returns507StoresNothingAndRecoversWhenSpaceReturns()
    {
        var photos = PhotoSet.Make(RealPhotos.Directory, 3, longSide: 640, seed: 5);
        await using var app = TrackerApp.Create(dataDirectory: mountPoint);
        var client = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Full disk site", client)).GetProperty("id").GetInt64();
        var first = await app.UploadOneAsync(projectId, photos[0].FileName, photos[0].Bytes, client: client);
        await app.WaitUntilDecidedAsync(first, client: client);

        // 1. Not a byte left: the photo cannot even be received.
        await CheckpointAsync(app.DatabasePath);
        FillDisk(leaveFree: 0);
        await AssertRefusedWith507Async(app, client, projectId, photos[1]);

        // 2. Room for the photo's file and one page more, but SQLite's log (emptied by the checkpoint) needs two
        //    pages for its header and first frame: SQLITE_FULL after the file was moved into the store, which
        //    must then take it back.
        await CheckpointAsync(app.DatabasePath);
        FillDisk(leaveFree: (photos[1].Bytes.Length / 4096 + 2) * 4096L);
        await AssertRefusedWith507Async(app, client, projectId, photos[1]);

        // 3. Space returns: the same photo goes through, and is processed as any other.
        File.Delete(Filler);
        var second = await app.UploadOneAsync(projectId, photos[1].FileName, photos[1].Bytes, client: client);
        var decided = await app.WaitUntilDecidedAsync(second, client: client);
        Assert.Contains(decided.GetProperty("status").GetString(), new[] { "matched", "unmatched" });

        Assert.Equal(2, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath, "SELECT COUNT(*) FROM photos"));
        Assert.Equal(2, TrackerDatabase.StoredFiles(app.PhotosDirectory).Count);
        Assert.Equal("ok", await TrackerDatabase.ScalarAsync<string>(app.DatabasePath, "PRAGMA integrity_check"));
    }

    private async Task AssertRefusedWith507Async(TrackerApp app, HttpClient client, long projectId, (string FileName, byte[] Bytes) photo)
    {
        var photosBefore = await TrackerDatabase.ScalarAsync<long>(app.DatabasePath, "SELECT COUNT(*) FROM photos");
        var filesBefore = TrackerDatabase.StoredFiles(app.PhotosDirectory).Count;

        using var response = await app.UploadAsync(projectId, [photo], client: client);

        Assert.Equal(507, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Server storage full", problem.GetProperty("title").GetString());
        Assert.Contains("no room left", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("Exception", problem.GetRawText());
        Assert.Equal(photosBefore, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath, "SELECT COUNT(*) FROM photos"));
        Assert.Equal(filesBefore, TrackerDatabase.StoredFiles(app.PhotosDirectory).Count);
        Assert.Empty(TrackerDatabase.StoredFiles(Path.Combine(app.DataDirectory, "tmp")));
        Assert.Equal("ok", await TrackerDatabase.ScalarAsync<string>(app.DatabasePath, "PRAGMA integrity_check"));
        // The server is still up and still answers reads.
        Assert.True((await client.GetAsync($"/api/projects/{projectId}/timeline")).IsSuccessStatusCode);
    }

    /// <summary>Writes the filler until the file system refuses, then gives back exactly <paramref name="leaveFree"/> bytes (whole pages).</summary>
    private void FillDisk(long leaveFree)
    {
        using (var filler = new FileStream(Filler, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            filler.Seek(0, SeekOrigin.End);
            var block = new byte[64 * 1024];
            try
            {
                while (true) filler.Write(block);
            }
            catch (IOException e) when (e.HResult == 28)
            {
            }
            filler.SetLength(filler.Length - leaveFree);
        }
        Assert.Equal(leaveFree, new DriveInfo(mountPoint).AvailableFreeSpace);
    }

    /// <summary>Folds the write-ahead log into the database and truncates it, so the next write must grow a file.</summary>
    private static async Task CheckpointAsync(string databasePath)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = new SqliteCommand("PRAGMA wal_checkpoint(TRUNCATE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output.Trim());
    }

    public async Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        // Lazy unmount: detached now even if a handle is still open, freed when the last one closes.
        await RunAsync("umount", "-l", mountPoint);
        try { Directory.Delete(mountPoint, recursive: true); }
        catch (IOException) { }
    }
}
