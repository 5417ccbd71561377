using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.Calibration;

/// <summary>A server deciding on CNN scores alone (keypoint checks off), so the threshold is what decides.</summary>
public sealed class CnnOnlyTrackerApp() : TrackerApp(kestrel: false, dataDirectory: null,
    settings: new() { ["Matching:VerifyKeypoints"] = "false" });

public sealed class CalibrationTests(CnnOnlyTrackerApp app) : IClassFixture<CnnOnlyTrackerApp>
{
    private readonly HttpClient client = app.CreateClient();

    [Fact]
    public async Task Calibration_TooFewExamples_SuggestsNothingUntilEnoughThenSaysHowSure()
    {
        var projectId = (await app.CreateProjectAsync("Calibrated site", client)).GetProperty("id").GetInt64();
        var milestone = await app.AddMilestoneAsync(projectId, "Cladding", client);
        var wood = PhotoVariants.Resize(RealPhotos.Read("Wood.jpg"), 0.25f);
        await app.WaitUntilDecidedAsync(await app.UploadOneAsync(projectId, "reference.jpg", wood, milestone, client), client: client);

        // One confirmation and one rejection: far too few to learn a setting from.
        var close = await DecideAsync(projectId, "close.jpg", PhotoVariants.Resize(wood, 0.5f));
        var other = await DecideAsync(projectId, "other.jpg", PhotoVariants.Resize(RealPhotos.Read("Dune.jpg"), 0.25f));
        (await client.PutAsJsonAsync($"/api/photos/{Id(close)}/milestone", new { milestoneId = milestone })).EnsureSuccessStatusCode();
        (await client.PutAsJsonAsync($"/api/photos/{Id(other)}/milestone", new { milestoneId = (long?)null })).EnsureSuccessStatusCode();
        var few = (await client.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}/calibration")).GetProperty("thresholdAdvice");
        Assert.Equal(JsonValueKind.Null, few.GetProperty("suggestion").ValueKind);
        Assert.Equal(2 * ImaginAI.Tracker.Matching.Calibration.MinExamplesPerKind - 2, few.GetProperty("moreNeeded").GetInt32());

        // Enough of each kind: revisits of the reference confirmed, other places sent back to review.
        var revisits = new[]
        {
            PhotoVariants.Crop(wood, 0.8f), PhotoVariants.Crop(wood, 0.7f, 0f, 0f), PhotoVariants.Exposure(wood, 1.3f),
            PhotoVariants.Exposure(wood, 0.7f), PhotoVariants.ReEncode(wood, 40), PhotoVariants.SecondVisit(wood), PhotoVariants.Crop(wood, 0.9f, 1f, 1f),
        };
        var elsewhere = new[] { "Aqua.jpg", "Blinds.jpg", "Garden.jpg", "GreenMeadow.jpg", "Storm.jpg", "TwoWings.jpg", "RainDrops.jpg" };
        var uploaded = await app.UploadAsync(projectId,
            revisits.Select((bytes, i) => ($"revisit-{i}.jpg", bytes)).Concat(elsewhere.Select(name => ($"elsewhere-{name}", PhotoVariants.Resize(RealPhotos.Read(name), 0.25f)))),
            client: client);
        var ids = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(p => p.GetProperty("id").GetInt64()).ToList();
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            await app.WaitUntilDecidedAsync(id, client: client);
            (await client.PutAsJsonAsync($"/api/photos/{id}/milestone", new { milestoneId = i < revisits.Length ? milestone : (long?)null })).EnsureSuccessStatusCode();
        }

        var calibration = await client.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}/calibration");
        var advice = calibration.GetProperty("thresholdAdvice");
        var suggestion = advice.GetProperty("suggestion");
        Assert.Equal((8, 8), (advice.GetProperty("shouldMatch").GetInt32(), advice.GetProperty("shouldNotMatch").GetInt32()));
        Assert.Equal(16, suggestion.GetProperty("examples").GetInt32());
        Assert.True(suggestion.GetProperty("correct").GetInt32() >= suggestion.GetProperty("currentCorrect").GetInt32());
        var leaveOneOut = suggestion.GetProperty("leaveOneOutAccuracy").GetDouble();
        Assert.InRange(leaveOneOut, suggestion.GetProperty("intervalLow").GetDouble(), suggestion.GetProperty("intervalHigh").GetDouble());
        Assert.True(suggestion.GetProperty("intervalHigh").GetDouble() - suggestion.GetProperty("intervalLow").GetDouble() > 0.1,
            "16 examples cannot make the tracker sure to within a few points");
        Assert.False(calibration.GetProperty("keypointChecks").GetBoolean());
        Assert.Equal(calibration.GetProperty("decisions").GetArrayLength(), 2 + ids.Count);
    }

    [Fact]
    public async Task Calibration_CorrectedThenPutBack_CountsOnceWithItsLatestLabel()
    {
        var projectId = (await app.CreateProjectAsync("Changed mind", client)).GetProperty("id").GetInt64();
        var milestone = await app.AddMilestoneAsync(projectId, "Cladding", client);
        var other = await app.AddMilestoneAsync(projectId, "Roof", client);
        var wood = PhotoVariants.Resize(RealPhotos.Read("Wood.jpg"), 0.25f);
        await app.WaitUntilDecidedAsync(await app.UploadOneAsync(projectId, "reference.jpg", wood, milestone, client), client: client);
        var photo = await DecideAsync(projectId, "revisit.jpg", PhotoVariants.Resize(wood, 0.5f));
        Assert.Equal(milestone, Milestone(photo));

        // Corrected to the wrong milestone, then put back: the tracker was right after all.
        (await client.PutAsJsonAsync($"/api/photos/{Id(photo)}/milestone", new { milestoneId = other })).EnsureSuccessStatusCode();
        (await client.PutAsJsonAsync($"/api/photos/{Id(photo)}/milestone", new { milestoneId = milestone })).EnsureSuccessStatusCode();

        var calibration = await client.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}/calibration");
        Assert.Equal(1, calibration.GetProperty("examples").GetInt32());
        var advice = calibration.GetProperty("thresholdAdvice");
        Assert.Equal((1, 0), (advice.GetProperty("shouldMatch").GetInt32(), advice.GetProperty("shouldNotMatch").GetInt32()));
        Assert.Equal(1, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath, "SELECT COUNT(*) FROM match_examples WHERE photo_id = @id", new { id = Id(photo) }));
    }

    [Fact]
    public async Task Redecide_AfterLoweringTheThreshold_MatchesPhotosStillInReviewButNotOnesAPersonDecided()
    {
        var projectId = (await app.CreateProjectAsync("Strict site", client)).GetProperty("id").GetInt64();
        (await client.PatchAsJsonAsync($"/api/projects/{projectId}", new { matchThreshold = 0.999 })).EnsureSuccessStatusCode();
        var milestone = await app.AddMilestoneAsync(projectId, "Decking", client);
        var wood = RealPhotos.Read("Wood.jpg");
        await app.WaitUntilDecidedAsync(await app.UploadOneAsync(projectId, "reference.jpg", wood, milestone, client), client: client);
        var inReview = await DecideAsync(projectId, "review.jpg", PhotoVariants.Crop(wood, 0.7f));
        var personDecided = await DecideAsync(projectId, "person.jpg", PhotoVariants.Crop(wood, 0.7f, 0.2f, 0.2f));
        Assert.Equal("unmatched", inReview.GetProperty("status").GetString());
        (await client.PutAsJsonAsync($"/api/photos/{Id(personDecided)}/milestone", new { milestoneId = (long?)null })).EnsureSuccessStatusCode();

        (await client.PatchAsJsonAsync($"/api/projects/{projectId}", new { matchThreshold = 0.6 })).EnsureSuccessStatusCode();
        using var response = await client.PostAsJsonAsync($"/api/projects/{projectId}/redecide", new { });
        var redecided = await app.WaitForStatusAsync(Id(inReview), ["matched"], client: client);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reopened").GetInt32());
        Assert.Equal(("matched", "auto"), (redecided.GetProperty("status").GetString(), redecided.GetProperty("milestoneSource").GetString()));
        Assert.Equal("unmatched", (await app.GetPhotoAsync(Id(personDecided), client)).GetProperty("status").GetString());
    }

    private async Task<JsonElement> DecideAsync(long projectId, string name, byte[] photo) =>
        await app.WaitUntilDecidedAsync(await app.UploadOneAsync(projectId, name, photo, client: client), client: client);

    private static long Id(JsonElement photo) => photo.GetProperty("id").GetInt64();

    private static long? Milestone(JsonElement photo) =>
        photo.GetProperty("milestoneId").ValueKind == JsonValueKind.Null ? null : photo.GetProperty("milestoneId").GetInt64();
}
