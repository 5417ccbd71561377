using System.Net.Http.Headers;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Cli;
using SkiaSharp;
using Xunit.Abstractions;

namespace ImaginAI.Tests.Integration.Reliability;

/// <summary>
/// The server's peak resident memory (VmHWM of the separate tracker process) while 100-MP photos, small files of
/// compressible content, are searched with and uploaded four at a time. Asserts memory, not time.
/// </summary>
public sealed class PeakMemoryTests(ITestOutputHelper output)
{
    /// <summary>
    /// The bound: a server at rest holds about 450-560 MB (runtime, model, OpenCV), and one 100-MP decode at full
    /// size holds 400 MB on its own, so four of them at once could not fit under it.
    /// </summary>
    private const long PeakBoundBytes = 800L * 1024 * 1024;

    [Fact]
    public async Task SearchAndUpload_Four100MegapixelPhotosEachAtOnce_ServerPeakStaysUnder800MB()
    {
        // Two JPEGs and two PNGs of 10000 × 10000, each different so no upload is a duplicate of another.
        var huge = new[]
        {
            ("huge-1.jpg", Make100Megapixel(SKEncodedImageFormat.Jpeg, 0)),
            ("huge-2.png", Make100Megapixel(SKEncodedImageFormat.Png, 1)),
            ("huge-3.jpg", Make100Megapixel(SKEncodedImageFormat.Jpeg, 2)),
            ("huge-4.png", Make100Megapixel(SKEncodedImageFormat.Png, 3)),
        };
        output.WriteLine("file sizes: " + string.Join(", ", huge.Select(h => $"{h.Item1} {h.Item2.Length / 1024} KB")));

        await using var tracker = new TrackerProcess();
        await tracker.StartAsync();
        var projectId = await tracker.CreateProjectAsync("Large photos");
        var milestoneId = await tracker.AddMilestoneAsync(projectId, "Foundations");
        var ordinary = PhotoSet.Make(RealPhotos.Directory, 2, longSide: 1600, seed: 11);
        using (var reference = await tracker.UploadAsync(projectId, [ordinary[0]], milestoneId)) Assert.Equal(202, (int)reference.StatusCode);
        using (var other = await tracker.UploadAsync(projectId, [ordinary[1]])) Assert.Equal(202, (int)other.StatusCode);
        await WaitUntilNoneWaitingAsync(tracker);
        var atRest = tracker.Server.ResidentBytes;

        var searches = huge.Select(h => SearchAsync(tracker, h)).ToList();
        var uploads = huge.Select(h => tracker.UploadAsync(projectId, [h])).ToList();
        var searchCodes = await Task.WhenAll(searches);
        var uploadCodes = new List<int>();
        foreach (var response in await Task.WhenAll(uploads))
            using (response) uploadCodes.Add((int)response.StatusCode);
        // The uploaded ones are decoded again by the embedding and matching jobs: measure until they are decided.
        await WaitUntilNoneWaitingAsync(tracker);
        var peak = tracker.Server.PeakResidentBytes;
        output.WriteLine($"at rest {atRest / 1048576} MB, peak {peak / 1048576} MB; search answers {string.Join(' ', searchCodes)}, upload answers {string.Join(' ', uploadCodes)}");

        // Every request was answered, none failed on the server. The baseline JPEGs are searched (or asked to wait with
        // 429) and stored; a PNG that large is either scaled while decoding or refused in words (400/422), as the
        // decoder's pixel budget decides per format.
        for (var i = 0; i < huge.Length; i++)
        {
            var isJpeg = huge[i].Item1.EndsWith(".jpg");
            Assert.Contains(searchCodes[i], isJpeg ? new[] { 200, 429 } : new[] { 200, 400, 429 });
            Assert.Contains(uploadCodes[i], isJpeg ? new[] { 202 } : new[] { 202, 422 });
        }
        Assert.True(peak < PeakBoundBytes, $"peak resident memory {peak / 1048576} MB, bound {PeakBoundBytes / 1048576} MB (at rest {atRest / 1048576} MB)");
    }

    private static async Task<int> SearchAsync(TrackerProcess tracker, (string FileName, byte[] Bytes) photo)
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(photo.Bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue(photo.FileName.EndsWith(".png") ? "image/png" : "image/jpeg");
        form.Add(part, "file", photo.FileName);
        using var response = await tracker.Http.PostAsync(tracker.Url("/api/search"), form);
        return (int)response.StatusCode;
    }

    private static async Task WaitUntilNoneWaitingAsync(TrackerProcess tracker)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (await TrackerDatabase.ScalarAsync<long>(tracker.DatabasePath, "SELECT COUNT(*) FROM photos WHERE status IN ('pending', 'embedded')") > 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Photos still waiting after 5 minutes.\n" + tracker.Server.RecentOutput);
            await Task.Delay(250);
        }
    }

    /// <summary>10000 × 10000 of large flat shapes: a few hundred KB as a file, 400 MB as decoded RGBA.</summary>
    private static byte[] Make100Megapixel(SKEncodedImageFormat format, int variant)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(10_000, 10_000, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor((byte)(60 + 40 * variant), 120, 90));
            using var paint = new SKPaint { Color = new SKColor(230, 210, (byte)(40 * variant)), IsAntialias = false };
            for (var i = 0; i < 12; i++) canvas.DrawRect(700 * i + 100 * variant, 800 * i, 1500, 900 + 300 * (i % 3), paint);
            paint.Color = new SKColor(30, 40, 160);
            canvas.DrawCircle(5000, 5000, 1800 + 200 * variant, paint);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 85);
        return data.ToArray();
    }
}
