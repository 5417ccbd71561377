using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Cli;

namespace ImaginAI.Tests.Integration.Reliability;

/// <summary>
/// <c>bench load</c>'s own run, small (5 uploaders × 5 photos, 2 watchers), against the tracker as a separate
/// process: correctness only, the timing is the bench's to measure.
/// </summary>
public sealed class LoadRunTests
{
    [Fact]
    public async Task LoadRun_FiveUploadersTwoWatchers_NothingLostNo5xxEveryEventHeardInOrder()
    {
        var settings = new LoadSettings(Uploaders: 5, PhotosPerUploader: 5, Watchers: 2, Projects: 1, LongSide: 640, Timeout: TimeSpan.FromMinutes(5));
        var photos = PhotoSet.Make(RealPhotos.Directory, 25 + 3, settings.LongSide, seed: 3);
        await using var tracker = new TrackerProcess();
        await tracker.StartAsync();

        var report = await new LoadRun(tracker.Server, TrackerApp.AdminEmail, TrackerApp.AdminPassword, settings, photos).RunAsync();

        Assert.Equal(25, report.Accepted);
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Failed);
        Assert.Equal(0, report.ServerErrors);
        Assert.Equal(0, report.OtherErrors);
        Assert.Equal(0, report.MissingEvents);
        Assert.Equal(0, report.OutOfOrderEvents);
        // Each watcher heard at least each photo added and each decided.
        Assert.All(report.EventsPerWatcher, count => Assert.True(count >= 2 * 25, $"{count} events"));
    }
}
