using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Data;
using ImaginAI.Tracker.Photos;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace ImaginAI.Tests.Integration.Matching;

/// <summary>
/// Every milestone is a verification candidate here (candidate floor 0), so each new photo is verified against
/// every milestone's reference, however unlike it looks; retries come quickly.
/// </summary>
public sealed class IsolationApp() : TrackerApp(kestrel: false, dataDirectory: null, settings: new()
{
    ["Matching:CandidateFloor"] = "0",
    ["Matching:RetryBackoffSeconds"] = "0.2",
});

public sealed class MatchingIsolationTests(IsolationApp app) : IClassFixture<IsolationApp>
{
    private readonly HttpClient client = app.CreateClient();

    [Fact]
    public async Task MatchingJob_MilestoneReferenceIs1x1Gif_PhotosInThatAndOtherProjectsAreStillDecided()
    {
        var tinyProject = await ProjectAsync("Tiny reference");
        var tinyMilestone = await app.AddMilestoneAsync(tinyProject, "Roof", client);
        // Uploads now refuse a 1×1 photo; one stored before that rule (or put there by hand) must not stall anything.
        var tinyReference = await PutInPlaceDirectlyAsync(tinyProject, "tiny.gif", TestImages.QuadrantsGif(1, 1), "image/gif", tinyMilestone);
        await app.WaitUntilDecidedAsync(tinyReference, client: client);
        var otherProject = await ProjectAsync("Next door");
        var otherMilestone = await app.AddMilestoneAsync(otherProject, "Garden", client);
        await app.WaitUntilDecidedAsync(await app.UploadOneAsync(otherProject, "garden.jpg", WithoutExif("Garden.jpg"), otherMilestone, client), client: client);

        // Taken (uploaded) in this order, so the photo verified against the 1×1 reference comes first in the queue.
        var sameProject = await app.UploadOneAsync(tinyProject, "roof.jpg", WithoutExif("Storm.jpg"), client: client);
        var nextDoor = await app.UploadOneAsync(otherProject, "garden-later.jpg", WithoutExif("Garden.jpg", crop: 0.85f), client: client);

        var same = await app.WaitUntilDecidedAsync(sameProject, client: client);
        var other = await app.WaitUntilDecidedAsync(nextDoor, client: client);

        Assert.Equal("unmatched", same.GetProperty("status").GetString()); // nothing to verify against: needs review
        Assert.Equal("matched", other.GetProperty("status").GetString());
        Assert.Equal(otherMilestone, other.GetProperty("milestoneId").GetInt64());
        // Comparing with the tiny reference finds nothing to align, and says so instead of failing.
        var compare = await client.GetAsync($"/api/photos/{sameProject}/compare/{tinyReference}");
        var aligned = await client.GetAsync($"/api/photos/{sameProject}/compare/{tinyReference}/aligned.jpg");
        Assert.Equal(HttpStatusCode.OK, compare.StatusCode);
        Assert.Equal(0, (await compare.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("inliers").GetInt32());
        Assert.Equal(HttpStatusCode.OK, aligned.StatusCode);
        Assert.Equal("false", aligned.Headers.GetValues("X-Aligned").Single());
    }

    [Fact]
    public async Task MatchingJob_ProjectWhoseDataCannotBeRead_FailsItsPhotoAfterRetriesAndOtherProjectsGoOn()
    {
        var broken = await ProjectAsync("Broken data");
        var brokenMilestone = await app.AddMilestoneAsync(broken, "Walls", client);
        var reference = await app.UploadOneAsync(broken, "walls.jpg", WithoutExif("Wood.jpg"), brokenMilestone, client);
        await app.WaitUntilDecidedAsync(reference, client: client);
        var healthy = await ProjectAsync("Healthy");
        var healthyMilestone = await app.AddMilestoneAsync(healthy, "Meadow", client);
        await app.WaitUntilDecidedAsync(await app.UploadOneAsync(healthy, "meadow.jpg", WithoutExif("GreenMeadow.jpg"), healthyMilestone, client), client: client);
        // A stored value the code cannot read back (as an int64 position read as int32 once did): reading this
        // project's photos throws.
        await using (var connection = await app.Services.GetRequiredService<TrackerDb>().OpenAsync())
            await connection.ExecuteAsync("UPDATE photos SET taken_at = 'not a time' WHERE id = @reference", new { reference });

        var stuck = await app.UploadOneAsync(broken, "walls-later.jpg", WithoutExif("Wood.jpg", crop: 0.85f), client: client);
        var goesOn = await app.UploadOneAsync(healthy, "meadow-later.jpg", WithoutExif("GreenMeadow.jpg", crop: 0.85f), client: client);

        var other = await app.WaitUntilDecidedAsync(goesOn, client: client);
        var failed = await app.WaitForStatusAsync(stuck, ["failed"], client: client);

        Assert.Equal("matched", other.GetProperty("status").GetString());
        Assert.StartsWith("The photo could not be matched to a milestone", failed.GetProperty("error").GetString());
        await using var check = await app.Services.GetRequiredService<TrackerDb>().OpenAsync();
        var counts = await check.QuerySingleAsync<(long Failures, long Decisions)>(
            "SELECT decision_failures, decision_count FROM photos WHERE id = @stuck", new { stuck });
        Assert.Equal((3L, 0L), counts); // retried up to Matching:MaxAttempts, never half-decided
    }

    private async Task<long> ProjectAsync(string name) => (await app.CreateProjectAsync(name, client)).GetProperty("id").GetInt64();

    /// <summary>Stores a file and its pending row as an upload would, without the upload's checks.</summary>
    private async Task<long> PutInPlaceDirectlyAsync(long projectId, string fileName, byte[] bytes, string contentType, long milestoneId)
    {
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var path = app.Services.GetRequiredService<PhotoFileStore>().PhotoPath(sha256, contentType);
        await PhotoFileStore.WriteAtomicallyAsync(path, bytes, CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        return await app.Services.GetRequiredService<PhotoRepository>().CreateAsync(new NewPhoto(
            projectId, fileName, sha256, contentType, bytes.Length, 1, 1, now, now, null, null, null, milestoneId))
            ?? throw new InvalidOperationException("The photo was not inserted.");
    }

    /// <summary>A re-encoded copy (no EXIF, so it counts as taken when uploaded), optionally cropped to the centre.</summary>
    private static byte[] WithoutExif(string name, float crop = 1f)
    {
        using var original = SKBitmap.Decode(RealPhotos.Read(name));
        var (w, h) = ((int)(original.Width * crop), (int)(original.Height * crop));
        using var cropped = new SKBitmap(w, h);
        original.ExtractSubset(cropped, SKRectI.Create((original.Width - w) / 2, (original.Height - h) / 2, w, h));
        return TestImages.Encode(cropped, SKEncodedImageFormat.Jpeg, 90);
    }
}
