using System.Text.Json;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Matching;
using Microsoft.Extensions.DependencyInjection;

namespace ImaginAI.Tests.Integration.Matching;

/// <summary>
/// Photos whose keypoints can say little (issue 13): a scene with almost no corners, a revisit sent at 320 px, and a
/// milestone whose best-looking reference photo is not the one that shows the spot. Real app, model, OpenCV and photos.
/// </summary>
public sealed class HardPhotoMatchingTests(MatchingScenario scenario) : IClassFixture<MatchingScenario>
{
    private readonly HttpClient client = scenario.CreateClient();

    [Fact]
    public async Task Decide_RevisitOfASceneWithoutCorners_IsMatchedOnTheCnnScoreAndExplainedAsNoEvidence()
    {
        // Fog over a meadow: the real photo blurred until almost no corners are left. Keypoints cannot speak for or
        // against it; the CNN still sees the same place, far ahead of the project's other milestone.
        var projectId = (await scenario.CreateProjectAsync("Fog", client)).GetProperty("id").GetInt64();
        var fogId = await FoggySite.AddMilestonesAsync(scenario, projectId, client);

        var later = await scenario.UploadOneAsync(projectId, "fog-again.jpg", FoggySite.Revisit(), client: client);
        var decided = await scenario.WaitUntilDecidedAsync(later, client: client);

        var why = decided.GetProperty("explanation");
        Assert.Equal("none", why.GetProperty("evidence").GetString());
        Assert.Equal(("matched", fogId), (decided.GetProperty("status").GetString(), decided.GetProperty("milestoneId").GetInt64()));
        Assert.Equal("no-evidence-cnn-score", why.GetProperty("basis").GetString());
        Assert.Equal(JsonValueKind.Number, why.GetProperty("photoKeypoints").ValueKind);
        Assert.Contains("too few to compare", why.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Decide_SmoothSceneLaidOutTheOtherWayRound_IsLeftForReviewAsALookAlike()
    {
        // Keypoints cannot check fog, and the CNN finds the upside-down fog as alike as a revisit (0.97): only where
        // it is light and where dark tells them apart, as it tells two different skies or bare walls apart.
        var projectId = (await scenario.CreateProjectAsync("Fog upside down", client)).GetProperty("id").GetInt64();
        await FoggySite.AddMilestonesAsync(scenario, projectId, client);

        var decided = await scenario.WaitUntilDecidedAsync(
            await scenario.UploadOneAsync(projectId, "other-fog.jpg", FoggySite.LookAlike(), client: client), client: client);

        var why = decided.GetProperty("explanation");
        Assert.Equal("unmatched", decided.GetProperty("status").GetString());
        Assert.Equal(("layout-differs", "none"), (why.GetProperty("basis").GetString(), why.GetProperty("evidence").GetString()));
        Assert.True(why.GetProperty("bestScore").GetSingle() >= 0.9f, why.ToString());
        Assert.Contains("another place that looks alike", why.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Decide_OpenSetSceneWithTexture_IsStillRefusedAsEvidenceAgainst()
    {
        // Keypoints enough in both photos that agree with no viewpoint: evidence against, refused as before, however
        // alike the CNN finds them.
        var projectId = (await scenario.CreateProjectAsync("Flower beds", client)).GetProperty("id").GetInt64();
        var milestoneId = await scenario.AddMilestoneAsync(projectId, "Planting", client);
        await scenario.WaitUntilDecidedAsync(await scenario.UploadOneAsync(projectId, "planting.jpg", RealPhotos.Read("YellowFlower.jpg"), milestoneId, client), client: client);

        var decided = await scenario.WaitUntilDecidedAsync(
            await scenario.UploadOneAsync(projectId, "other-bed.jpg", RealPhotos.Read("FreshFlower.jpg"), client: client), client: client);

        var why = decided.GetProperty("explanation");
        Assert.Equal("unmatched", decided.GetProperty("status").GetString());
        Assert.Equal(("no-geometric-support", "against"), (why.GetProperty("basis").GetString(), why.GetProperty("evidence").GetString()));
        Assert.True(why.GetProperty("photoKeypoints").GetInt32() > 0 && why.GetProperty("referenceKeypoints").GetInt32() > 0, why.ToString());
    }

    [Fact]
    public async Task Decide_RevisitSentAt320Pixels_IsVerifiedByKeypoints()
    {
        var projectId = (await scenario.CreateProjectAsync("Small photos", client)).GetProperty("id").GetInt64();
        var milestoneId = await scenario.AddMilestoneAsync(projectId, "Garden walls", client);
        var garden = RealPhotos.Read("Garden.jpg");
        await scenario.WaitUntilDecidedAsync(await scenario.UploadOneAsync(projectId, "garden.jpg", garden, milestoneId, client), client: client);
        using var original = ImaginAI.Vision.Decoding.PhotoDecoder.Decode(garden);
        var small = PhotoVariants.Resize(garden, 320f / Math.Max(original.Bitmap.Width, original.Bitmap.Height));

        var decided = await scenario.WaitUntilDecidedAsync(await scenario.UploadOneAsync(projectId, "garden-small.jpg", small, client: client), client: client);

        var why = decided.GetProperty("explanation");
        Assert.Equal(("matched", milestoneId), (decided.GetProperty("status").GetString(), decided.GetProperty("milestoneId").GetInt64()));
        Assert.Equal("verified", why.GetProperty("basis").GetString());
        Assert.InRange(why.GetProperty("inliers").GetInt32(), new MatchRuleSettings().MinInliers, int.MaxValue);
    }

    [Fact]
    public async Task Decide_MilestoneWithTwoReferences_IsVerifiedAgainstBothAndTakesTheBetter()
    {
        // Two reference photos of one milestone: one blurred by a shaking hand (its keypoints do not line up with a
        // sharp photo), one framed tighter but sharp. The decision rests on the one that shows the spot.
        var projectId = (await scenario.CreateProjectAsync("Two references", client)).GetProperty("id").GetInt64();
        var milestoneId = await scenario.AddMilestoneAsync(projectId, "Timber store", client);
        var wood = RealPhotos.Read("Wood.jpg");
        var blurred = await scenario.UploadOneAsync(projectId, "store-shaky.jpg", PhotoVariants.Blur(wood, 40), milestoneId, client);
        var tight = await scenario.UploadOneAsync(projectId, "store-tight.jpg", PhotoVariants.Crop(wood, 0.75f, 0.2f, 0.3f), milestoneId, client);
        await scenario.WaitUntilDecidedAsync(blurred, client: client);
        await scenario.WaitUntilDecidedAsync(tight, client: client);

        var laterId = await scenario.UploadOneAsync(projectId, "store-later.jpg", PhotoVariants.Exposure(wood, 0.8f), client: client);
        var decided = await scenario.WaitUntilDecidedAsync(laterId, client: client);

        var checks = await scenario.Services.GetRequiredService<PhotoVerifier>().CheckAsync(laterId, [blurred, tight], CancellationToken.None);
        var minInliers = new MatchRuleSettings().MinInliers;
        Assert.True(checks[blurred].Inliers < minInliers, $"precondition: {checks[blurred].Inliers} inliers against the blurred reference");
        var why = decided.GetProperty("explanation");
        Assert.Equal(("matched", milestoneId), (decided.GetProperty("status").GetString(), decided.GetProperty("milestoneId").GetInt64()));
        Assert.Equal("verified", why.GetProperty("basis").GetString());
        Assert.Equal(checks[tight].Inliers, why.GetProperty("inliers").GetInt32());
    }

    [Fact]
    public async Task Decide_StormySkyWithTheSameTruckInFront_IsLeftForReview()
    {
        // Another smooth scene behind the same truck: the painted-over copy is tried and looks like no milestone.
        var projectId = (await scenario.CreateProjectAsync("Truck elsewhere", client)).GetProperty("id").GetInt64();
        var roofId = await scenario.AddMilestoneAsync(projectId, "Roof line", client);
        var deckingId = await scenario.AddMilestoneAsync(projectId, "Decking", client);
        await scenario.WaitUntilDecidedAsync(await scenario.UploadOneAsync(projectId, "roof.jpg", RealPhotos.Read("TwoWings.jpg"), roofId, client), client: client);
        await scenario.WaitUntilDecidedAsync(await scenario.UploadOneAsync(projectId, "decking.jpg", RealPhotos.Read("Wood.jpg"), deckingId, client), client: client);

        var decided = await scenario.WaitUntilDecidedAsync(
            await scenario.UploadOneAsync(projectId, "storm-truck.jpg", PhotoVariants.TruckInFront(RealPhotos.Read("Storm.jpg")), client: client), client: client);

        Assert.Equal("unmatched", decided.GetProperty("status").GetString());
        Assert.NotEqual("filled-cnn-score", decided.GetProperty("explanation").GetProperty("basis").GetString());
    }
}
