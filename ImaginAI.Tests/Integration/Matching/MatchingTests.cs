using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Matching;

namespace ImaginAI.Tests.Integration.Matching;

public sealed class MatchingTests(MatchingScenario scenario) : IClassFixture<MatchingScenario>
{
    private readonly HttpClient client = scenario.CreateClient();

    private static long? MilestoneOf(JsonElement photo) =>
        photo.GetProperty("milestoneId").ValueKind == JsonValueKind.Null ? null : photo.GetProperty("milestoneId").GetInt64();

    [Fact]
    public async Task ReferencePhoto_UploadedWithMilestone_IsMatchedAsReference()
    {
        var reference = await scenario.GetPhotoAsync(scenario.FoundationsReferenceId, client);

        Assert.Equal("matched", reference.GetProperty("status").GetString());
        Assert.Equal(scenario.FoundationsId, MilestoneOf(reference));
        Assert.Equal("reference", reference.GetProperty("milestoneSource").GetString());
        Assert.Equal("Foundations", reference.GetProperty("milestone").GetProperty("name").GetString());
    }

    [Fact]
    public async Task DescribeAsync_ReferencePhotoVerifiedAgain_ReusesItsFeaturesWithTheSameResult()
    {
        var verifier = scenario.Services.GetRequiredService<PhotoVerifier>();
        var laterId = scenario.FoundationsLater.GetProperty("id").GetInt64();

        var first = await verifier.DescribeAsync(scenario.FoundationsReferenceId, CancellationToken.None);
        var again = await verifier.DescribeAsync(scenario.FoundationsReferenceId, CancellationToken.None);
        var checks = await verifier.CheckAsync(laterId, [scenario.FoundationsReferenceId], CancellationToken.None);

        Assert.NotNull(first);
        Assert.Same(first, again); // found once, then served from memory: the file behind a photo never changes
        Assert.Equal(scenario.FoundationsLater.GetProperty("explanation").GetProperty("inliers").GetInt32(), checks[scenario.FoundationsReferenceId].Inliers);
    }

    [Fact]
    public void LaterPhotoOfReferenceScene_ReachesMatchedWithThatMilestone()
    {
        Assert.Equal("matched", scenario.FoundationsLater.GetProperty("status").GetString());
        Assert.Equal(scenario.FoundationsId, MilestoneOf(scenario.FoundationsLater));
        Assert.Equal("auto", scenario.FoundationsLater.GetProperty("milestoneSource").GetString());
        Assert.Equal("matched", scenario.WallsLater.GetProperty("status").GetString());
        Assert.Equal(scenario.WallsId, MilestoneOf(scenario.WallsLater));
    }

    [Fact]
    public void AutoDecision_WithOpenCv_IsExplainedByKeypointEvidence()
    {
        var minInliers = new MatchRuleSettings().MinInliers;
        foreach (var later in new[] { scenario.FoundationsLater, scenario.WallsLater })
        {
            var why = later.GetProperty("explanation");
            Assert.Equal("verified", why.GetProperty("basis").GetString());
            Assert.True(why.GetProperty("verificationAvailable").GetBoolean());
            Assert.InRange(why.GetProperty("inliers").GetInt32(), minInliers, int.MaxValue);
            // One of the two is rounded for display, so compare within a tolerance, not by rounding both (0.98550 vs 0.98548).
            Assert.Equal(later.GetProperty("milestoneScore").GetDouble(), why.GetProperty("bestScore").GetDouble(), 0.001);
            Assert.Contains("keypoint matches", why.GetProperty("text").GetString());
        }
    }

    [Fact]
    public async Task SceneInNoMilestone_WithHighCnnScore_EndsUnmatchedForLackOfKeypointEvidence()
    {
        // Two different flowers: to the CNN they look alike, well above the score that alone would accept a match
        // (one milestone, so the margin holds too); the geometry shows they are not the same spot.
        var projectId = (await scenario.CreateProjectAsync("Open set", client)).GetProperty("id").GetInt64();
        var milestoneId = await scenario.AddMilestoneAsync(projectId, "Planting", client);
        var reference = await scenario.UploadOneAsync(projectId, "planting.jpg", RealPhotos.Read("YellowFlower.jpg"), milestoneId, client);
        await scenario.WaitUntilDecidedAsync(reference, client: client);

        var elsewhere = await scenario.UploadOneAsync(projectId, "other-bed.jpg", RealPhotos.Read("FreshFlower.jpg"), client: client);
        var decided = await scenario.WaitUntilDecidedAsync(elsewhere, client: client);

        var cnnOnly = new MatchRuleSettings();
        var score = decided.GetProperty("milestoneScore").GetDouble();
        Assert.True(score >= cnnOnly.Threshold + 0.05, $"precondition: the CNN score {score:0.000} should be high enough to fool a score-only rule");
        Assert.Equal("unmatched", decided.GetProperty("status").GetString());
        Assert.Null(MilestoneOf(decided));
        var why = decided.GetProperty("explanation");
        Assert.Equal("no-geometric-support", why.GetProperty("basis").GetString());
        Assert.InRange(why.GetProperty("inliers").GetInt32(), 0, cnnOnly.MinInliers - 1);
    }

    [Fact]
    public async Task Health_WithOpenCvInstalled_ReportsVerificationAvailable()
    {
        var health = await client.GetFromJsonAsync<JsonElement>("/health");

        Assert.True(health.GetProperty("verification").GetProperty("available").GetBoolean());
        Assert.Equal(JsonValueKind.Null, health.GetProperty("verification").GetProperty("reason").ValueKind);
    }

    [Fact]
    public void MatchedPhotoId_PointsToTheEarlierTwinWithItsScore()
    {
        Assert.Equal(scenario.FoundationsReferenceId, scenario.FoundationsLater.GetProperty("matchedPhotoId").GetInt64());
        Assert.Equal(scenario.WallsReferenceId, scenario.WallsLater.GetProperty("matchedPhotoId").GetInt64());
        Assert.InRange(scenario.WallsLater.GetProperty("matchScore").GetDouble(), 0.85, 1.0);
    }

    [Fact]
    public void PhotoOfUnrelatedScene_EndsUnmatchedWithoutMilestone()
    {
        Assert.Equal("unmatched", scenario.UnrelatedScene.GetProperty("status").GetString());
        Assert.Null(MilestoneOf(scenario.UnrelatedScene));
        var why = scenario.UnrelatedScene.GetProperty("explanation");
        Assert.Contains(why.GetProperty("basis").GetString(), new[] { "no-geometric-support", "below-threshold" });
        Assert.Equal(scenario.UnrelatedScene.GetProperty("milestoneScore").GetDouble(), why.GetProperty("bestScore").GetDouble(), 3);
    }

    [Fact]
    public async Task Timeline_ShowsEachMilestoneReachedWithItsPhotosAndTheUnmatchedLane()
    {
        var timeline = await client.GetFromJsonAsync<JsonElement>($"/api/projects/{scenario.ProjectId}/timeline");

        var milestones = timeline.GetProperty("milestones").EnumerateArray().ToList();
        Assert.Equal(["Foundations", "Walls"], milestones.Select(m => m.GetProperty("name").GetString()));
        Assert.All(milestones, m => Assert.True(m.GetProperty("reached").GetBoolean()));
        Assert.Equal(
            [scenario.FoundationsReferenceId, scenario.FoundationsLater.GetProperty("id").GetInt64()],
            milestones[0].GetProperty("photos").EnumerateArray().Select(p => p.GetProperty("id").GetInt64()));
        Assert.Contains(timeline.GetProperty("unmatched").EnumerateArray(), p => p.GetProperty("id").GetInt64() == scenario.UnrelatedScene.GetProperty("id").GetInt64());
        Assert.Equal(100, timeline.GetProperty("progress").GetProperty("percent").GetInt32());
        Assert.Equal(0, timeline.GetProperty("reembedding").GetProperty("remaining").GetInt32());
    }

    [Fact]
    public async Task EachPhoto_IsEmbeddedOnceAndDecidedOnce()
    {
        var rows = await TrackerDatabase.QueryAsync<(long Id, long Attempts, long Decisions, long Embeddings)>(scenario.DatabasePath, """
            SELECT id, attempts, decision_count, (SELECT COUNT(*) FROM embeddings e WHERE e.photo_id = photos.id)
            FROM photos WHERE project_id = @ProjectId AND status IN ('matched', 'unmatched')
            """, new { scenario.ProjectId });

        Assert.True(rows.Count >= 5);
        Assert.All(rows, row => Assert.Equal((1L, 1L, 1L), (row.Attempts, row.Decisions, row.Embeddings)));
    }

    [Fact]
    public async Task SetMilestone_ByManager_MatchesThePhotoAsManualAndClearingMakesItUnmatched()
    {
        var photoId = await scenario.UploadOneAsync(scenario.ProjectId, "to-review.jpg", RealPhotos.Read("Blinds.jpg"), client: client);
        await scenario.WaitUntilDecidedAsync(photoId, client: client);

        var set = await client.PutAsJsonAsync($"/api/photos/{photoId}/milestone", new { milestoneId = scenario.WallsId });
        var afterSet = await set.Content.ReadFromJsonAsync<JsonElement>();
        var cleared = await client.PutAsJsonAsync($"/api/photos/{photoId}/milestone", new { milestoneId = (long?)null });
        var afterClear = await cleared.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(("matched", "manual", (long?)scenario.WallsId),
            (afterSet.GetProperty("status").GetString(), afterSet.GetProperty("milestoneSource").GetString(), MilestoneOf(afterSet)));
        Assert.Equal(("unmatched", (long?)null), (afterClear.GetProperty("status").GetString(), MilestoneOf(afterClear)));
    }

    [Fact]
    public async Task SetMilestone_ByManager_MakesThePhotoAReferenceForLaterPhotos()
    {
        var projectId = (await scenario.CreateProjectAsync("Reviewed by a manager", client)).GetProperty("id").GetInt64();
        var milestoneId = await scenario.AddMilestoneAsync(projectId, "Excavation", client);
        var reviewed = await scenario.UploadOneAsync(projectId, "unsure.jpg", RealPhotos.Read("Dune.jpg"), client: client);
        Assert.Equal("unmatched", (await scenario.WaitUntilDecidedAsync(reviewed, client: client)).GetProperty("status").GetString());
        (await client.PutAsJsonAsync($"/api/photos/{reviewed}/milestone", new { milestoneId })).EnsureSuccessStatusCode();

        var later = await scenario.UploadOneAsync(projectId, "unsure-later.jpg", PhotoVariants.SecondVisit(RealPhotos.Read("Dune.jpg")), client: client);
        var decided = await scenario.WaitUntilDecidedAsync(later, client: client);

        Assert.Equal(("matched", "auto", (long?)milestoneId),
            (decided.GetProperty("status").GetString(), decided.GetProperty("milestoneSource").GetString(), MilestoneOf(decided)));
    }

    [Fact]
    public async Task SetMilestone_OfAnotherProject_Returns400()
    {
        var otherProject = (await scenario.CreateProjectAsync("Elsewhere", client)).GetProperty("id").GetInt64();
        var foreignMilestone = await scenario.AddMilestoneAsync(otherProject, "Roof", client);

        var response = await client.PutAsJsonAsync($"/api/photos/{scenario.UnrelatedScene.GetProperty("id").GetInt64()}/milestone", new { milestoneId = foreignMilestone });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }
}
