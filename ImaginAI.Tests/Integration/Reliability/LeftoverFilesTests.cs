using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Data;

namespace ImaginAI.Tests.Integration.Reliability;

/// <summary>
/// What a killed server leaves in the data directory, cleared when it starts again: its own leftovers at once (their
/// names carry its Database:NodeId's mark); another node's recent ones only with SQLite, where no other node can share
/// the directory. With PostgreSQL they may be that node's uploads in flight, so they wait out their hour.
/// </summary>
public sealed class LeftoverFilesTests
{
    [Fact]
    public async Task Start_AfterThisNodesCrash_ItsStagingFilesAndPhotoFilesWithoutRowsAreRemovedAtOnce()
    {
        var directory = Path.Combine(Path.GetTempPath(), "imaginai-tests", "leftovers-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?> { ["Database:NodeId"] = "node-here" };
        try
        {
            await using (var first = TrackerApp.Create(dataDirectory: directory, settings: settings))
                _ = first.CreateClient();
            // A kill mid-upload: a half-received staging file, and a photo file moved into place whose row never came
            // (its marker still in tmp/), from this node and from another node that shares the directory.
            var own = Leftovers(directory, LeftoverFiles.Tag("node-here"), 'a');
            var others = Leftovers(directory, LeftoverFiles.Tag("node-elsewhere"), 'b');

            await using (var second = TrackerApp.Create(dataDirectory: directory, settings: settings))
                _ = second.CreateClient();

            Assert.All(own, file => Assert.False(File.Exists(file), $"{file} is still there"));
            Assert.All(others, file => Assert.Equal(TestDatabase.IsPostgres, File.Exists(file)));
        }
        finally
        {
            TestDatabase.DropFor(directory);
            try { Directory.Delete(directory, recursive: true); }
            catch (IOException) { }
        }
    }

    private static string[] Leftovers(string directory, string tag, char digit)
    {
        var sha256 = new string(digit, 64);
        var staging = Path.Combine(directory, "tmp", tag + Guid.NewGuid().ToString("N"));
        var photo = Path.Combine(directory, "photos", sha256[..2], sha256 + ".jpg");
        var marker = $"{staging}.{sha256}.jpg.placing";
        Directory.CreateDirectory(Path.GetDirectoryName(photo)!);
        File.WriteAllBytes(staging, [1, 2, 3]);
        File.WriteAllBytes(photo, RealPhotos.Read("Garden.jpg"));
        File.WriteAllBytes(marker, []);
        return [staging, photo, marker];
    }
}
