using ImaginAI.Tests.Support;
using ImaginAI.Vision.Verification;

namespace ImaginAI.Tests.Integration.Matching;

/// <summary>Keypoint features are found once, while embedding, and kept beside the photo under its SHA-256.</summary>
public sealed class KeypointStoreTests : IClassFixture<TrackerApp>
{
    private readonly TrackerApp app;

    public KeypointStoreTests(TrackerApp app) => this.app = app;

    [Fact]
    public async Task Upload_ReferenceAndRevisit_EachPhotoKeepsItsFeaturesInAFileNamedByItsSha256()
    {
        var client = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Kept features", client)).GetProperty("id").GetInt64();
        var milestoneId = await app.AddMilestoneAsync(projectId, "Garden wall", client);
        var reference = await app.UploadOneAsync(projectId, "reference.jpg", RealPhotos.Read("Garden.jpg"), milestoneId, client);
        await app.WaitUntilDecidedAsync(reference, client: client);
        var revisit = await app.UploadOneAsync(projectId, "revisit.jpg", PhotoVariants.Crop(RealPhotos.Read("Garden.jpg"), 0.85f), client: client);

        var decided = await app.WaitUntilDecidedAsync(revisit, client: client);

        Assert.Equal("matched", decided.GetProperty("status").GetString());
        foreach (var photoId in new[] { reference, revisit })
        {
            var sha256 = await TrackerDatabase.ScalarAsync<string>(app.DatabasePath, "SELECT sha256 FROM photos WHERE id = @photoId", new { photoId });
            var file = Path.Combine(app.DataDirectory, "keypoints", sha256[..2], sha256 + ".orb");
            Assert.True(File.Exists(file), $"no features kept for photo {photoId}");
            Assert.True(PhotoKeypoints.Read(await File.ReadAllBytesAsync(file))!.Count > 100);
        }
    }
}
