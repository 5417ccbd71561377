using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;
using ImaginAI.Vision.Alignment;
using ImaginAI.Vision.Decoding;
using ImaginAI.Vision.Verification;

namespace ImaginAI.Tests.Integration.Timelapse;

/// <summary>
/// The time-lapse of a spot on the real app: later visits of a real photo (moved camera, other exposure) and one
/// photo of another place, uploaded with their taken-at times; the frames come back aligned, in order, with the
/// other place left out; the video and ZIP hold them; and the cached result is made again when a photo joins or
/// leaves the set.
/// </summary>
public sealed class TimelapseTests(TrackerApp app) : IClassFixture<TrackerApp>
{
    [Fact]
    public async Task Timelapse_LaterVisitsOfASpot_FramesAlignedInTakenAtOrderAndTheOtherPlaceLeftOut()
    {
        using var client = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Boardwalk", client)).GetProperty("id").GetInt64();
        var milestone = await app.AddMilestoneAsync(projectId, "Decking", client);
        var day = TimeSpan.FromDays(7);
        var reference = await TimelapseScenario.UploadTakenAsync(client, projectId, "deck-1.jpg", RealPhotos.Read("Wood.jpg"), TimelapseScenario.FirstVisit, milestone);
        // Uploaded out of order: the frames follow the time each was taken, not the upload.
        var third = await TimelapseScenario.UploadTakenAsync(client, projectId, "deck-3.jpg", TimelapseScenario.Revisit("Wood.jpg", 3), TimelapseScenario.FirstVisit + 3 * day);
        var second = await TimelapseScenario.UploadTakenAsync(client, projectId, "deck-2.jpg", TimelapseScenario.Revisit("Wood.jpg", 2), TimelapseScenario.FirstVisit + 2 * day);
        var elsewhere = await TimelapseScenario.UploadTakenAsync(client, projectId, "dune.jpg", RealPhotos.Read("Dune.jpg"), TimelapseScenario.FirstVisit + day);
        var earlier = await TimelapseScenario.UploadTakenAsync(client, projectId, "before.jpg", TimelapseScenario.Revisit("Wood.jpg", 1), TimelapseScenario.FirstVisit - day);
        foreach (var id in new[] { reference, third, second, elsewhere, earlier }) await app.WaitUntilDecidedAsync(id, TimeSpan.FromMinutes(2), client);

        var timelapse = await TimelapseScenario.WaitReadyAsync(client, reference);

        var frames = timelapse.GetProperty("frames").EnumerateArray().ToList();
        Assert.Equal([reference, second, third], frames.Select(f => f.GetProperty("photoId").GetInt64()));
        // Dune.jpg shows another place; the photo taken before the reference is not "later".
        Assert.Equal(1, timelapse.GetProperty("leftOut").GetInt32());
        Assert.Equal(3, timelapse.GetProperty("laterPhotos").GetInt32());
        Assert.All(frames.Skip(1), f => Assert.True(f.GetProperty("inliers").GetInt32() >= timelapse.GetProperty("minInliers").GetInt32()));

        // The reference's keypoints land within a few pixels in every frame: each frame, verified against the first,
        // needs almost no homography, and its matching keypoints sit where the reference's are.
        var verifier = new KeypointVerifier();
        using var first = PhotoDecoder.Decode(await client.GetByteArrayAsync(frames[0].GetProperty("url").GetString()));
        foreach (var frame in frames.Skip(1))
        {
            using var aligned = PhotoDecoder.Decode(await client.GetByteArrayAsync(frame.GetProperty("url").GetString()));
            Assert.Equal((first.Bitmap.Width, first.Bitmap.Height), (aligned.Bitmap.Width, aligned.Bitmap.Height));
            var check = verifier.Verify(first, aligned);
            Assert.True(check.Inliers >= 50, $"frame of photo {frame.GetProperty("photoId")}: only {check.Inliers} keypoints agree with the reference");
            var shifts = check.Pairs.Where(p => p.IsInlier).Select(p => Math.Sqrt(Math.Pow(p.AX - p.BX, 2) + Math.Pow(p.AY - p.BY, 2))).Order().ToList();
            var median = shifts[shifts.Count / 2];
            Assert.True(median < 3, $"frame of photo {frame.GetProperty("photoId")}: the reference's keypoints moved {median:F1} px (median) in a {aligned.Bitmap.Width} px frame");
            foreach (var (x, y) in new[] { (0.0, 0.0), (first.Bitmap.Width, 0.0), (0.0, first.Bitmap.Height), (first.Bitmap.Width, first.Bitmap.Height) })
            {
                var moved = FrameAligner.Project(check.Homography!, x, y);
                Assert.True(Math.Abs(moved.X - x) < 6 && Math.Abs(moved.Y - y) < 6, $"corner ({x}, {y}) lands at ({moved.X:F1}, {moved.Y:F1})");
            }
        }

        // The downloads hold the same frames: the MP4 as OpenCV reads it back, the ZIP one JPEG each.
        using var video = await client.GetAsync(timelapse.GetProperty("videoUrl").GetString());
        Assert.Equal(HttpStatusCode.OK, video.StatusCode);
        Assert.Equal("video/mp4", video.Content.Headers.ContentType?.MediaType);
        var path = Path.Combine(app.DataDirectory, "downloaded.mp4");
        await File.WriteAllBytesAsync(path, await video.Content.ReadAsByteArrayAsync());
        Assert.Equal(3 * 8, TimelapseVideo.CountFrames(path));
        using var zipResponse = await client.GetAsync(timelapse.GetProperty("framesZipUrl").GetString());
        using var zip = new ZipArchive(await zipResponse.Content.ReadAsStreamAsync());
        Assert.Equal(3, zip.Entries.Count);
        Assert.All(zip.Entries, e => Assert.EndsWith(".jpg", e.Name));
    }

    [Fact]
    public async Task Timelapse_PhotoJoinsThenLeavesThenReturns_MadeAgainEachTime()
    {
        using var client = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Garden wall", client)).GetProperty("id").GetInt64();
        var day = TimeSpan.FromDays(3);
        var reference = await TimelapseScenario.UploadTakenAsync(client, projectId, "wall-1.jpg", RealPhotos.Read("Garden.jpg"), TimelapseScenario.FirstVisit);
        var second = await TimelapseScenario.UploadTakenAsync(client, projectId, "wall-2.jpg", TimelapseScenario.Revisit("Garden.jpg", 2), TimelapseScenario.FirstVisit + day);
        foreach (var id in new[] { reference, second }) await app.WaitUntilDecidedAsync(id, TimeSpan.FromMinutes(2), client);

        var built = await TimelapseScenario.WaitReadyAsync(client, reference);
        Assert.Equal(2, built.GetProperty("frames").GetArrayLength());
        // Asked again with nothing changed: the cached time-lapse, not a new build.
        var again = await client.GetFromJsonAsync<JsonElement>($"/api/photos/{reference}/timelapse", TrackerApp.Json);
        Assert.Equal("ready", again.GetProperty("status").GetString());
        Assert.Equal(built.GetProperty("builtAt").GetDateTimeOffset(), again.GetProperty("builtAt").GetDateTimeOffset());

        // A photo joins (uploaded): out of date at once, then made again with it.
        var third = await TimelapseScenario.UploadTakenAsync(client, projectId, "wall-3.jpg", TimelapseScenario.Revisit("Garden.jpg", 3), TimelapseScenario.FirstVisit + 2 * day);
        await app.WaitUntilDecidedAsync(third, TimeSpan.FromMinutes(2), client);
        var stale = await client.GetFromJsonAsync<JsonElement>($"/api/photos/{reference}/timelapse", TrackerApp.Json);
        Assert.NotEqual("ready", stale.GetProperty("status").GetString());
        var joined = await TimelapseScenario.WaitReadyAsync(client, reference);
        Assert.Equal([reference, second, third], FrameIds(joined));

        // A photo leaves (deleted), then returns (restored).
        (await client.DeleteAsync($"/api/photos/{second}")).EnsureSuccessStatusCode();
        Assert.Equal([reference, third], FrameIds(await TimelapseScenario.WaitReadyAsync(client, reference)));
        (await client.PostAsync($"/api/photos/{second}/restore", null)).EnsureSuccessStatusCode();
        Assert.Equal([reference, second, third], FrameIds(await TimelapseScenario.WaitReadyAsync(client, reference)));

        // Reassigned to a milestone: the frame's caption names it.
        var milestone = await app.AddMilestoneAsync(projectId, "Wall rendered", client);
        (await client.PutAsJsonAsync($"/api/photos/{third}/milestone", new { milestoneId = milestone })).EnsureSuccessStatusCode();
        var relabelled = await TimelapseScenario.WaitReadyAsync(client, reference);
        Assert.Equal("Wall rendered", relabelled.GetProperty("frames")[2].GetProperty("milestone").GetString());
    }

    [Fact]
    public async Task Timelapse_NoSuchPhoto_Returns404Problem()
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync("/api/photos/987654/timelapse");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var video = await client.GetAsync("/api/photos/987654/timelapse/video");
        Assert.Equal(HttpStatusCode.NotFound, video.StatusCode);
    }

    private static List<long> FrameIds(JsonElement timelapse) =>
        timelapse.GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("photoId").GetInt64()).ToList();
}
