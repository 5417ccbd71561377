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
    public async Task SuggestThreshold_FromAManagersCorrections_SeparatesThemAndChangesOnlyLaterDecisions()
    {
        var projectId = (await app.CreateProjectAsync("Calibrated site", client)).GetProperty("id").GetInt64();
        var milestone = await app.AddMilestoneAsync(projectId, "Cladding", client);
        var wood = RealPhotos.Read("Wood.jpg");
        await app.WaitUntilDecidedAsync(await app.UploadOneAsync(projectId, "reference.jpg", wood, milestone, client), client: client);

        // Two automatic matches: a manager confirms the close revisit and rejects the distant detail.
        var close = await DecideAsync(projectId, "close.jpg", PhotoVariants.Resize(wood, 0.5f));
        var distant = await DecideAsync(projectId, "detail.jpg", PhotoVariants.Crop(wood, 0.45f, 0.1f, 0.1f));
        var keptEarlier = await DecideAsync(projectId, "detail-kept.jpg", PhotoVariants.Crop(wood, 0.45f, 0.9f, 0.9f));
        Assert.All(new[] { close, distant, keptEarlier }, p => Assert.Equal("matched", p.GetProperty("status").GetString()));
        (await client.PutAsJsonAsync($"/api/photos/{Id(close)}/milestone", new { milestoneId = milestone })).EnsureSuccessStatusCode();
        (await client.PutAsJsonAsync($"/api/photos/{Id(distant)}/milestone", new { milestoneId = (long?)null })).EnsureSuccessStatusCode();

        var calibration = await client.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}/calibration");
        var suggestion = calibration.GetProperty("suggestedThreshold");
        var suggested = suggestion.GetProperty("value").GetDouble();
        var (low, high) = (Score(distant), Score(close));
        Assert.Equal(2, calibration.GetProperty("examples").GetInt32());
        Assert.InRange(suggested, low + 1e-6, high);
        Assert.Equal(1.0, suggestion.GetProperty("accuracy").GetDouble());
        Assert.Equal(0.5, suggestion.GetProperty("currentAccuracy").GetDouble());

        // Nothing changes until the manager applies it; then a photo like the rejected one is left for review.
        Assert.NotEqual(suggested, (await client.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}")).GetProperty("matchThreshold").GetDouble());
        (await client.PatchAsJsonAsync($"/api/projects/{projectId}", new { matchThreshold = suggested })).EnsureSuccessStatusCode();
        var later = await DecideAsync(projectId, "detail-later.jpg", PhotoVariants.Crop(wood, 0.45f, 0.9f, 0.1f));

        Assert.True(Score(later) < suggested, $"precondition: the later detail scores {Score(later):0.000}, the suggestion is {suggested:0.000}");
        Assert.Equal("unmatched", later.GetProperty("status").GetString());
        Assert.Equal("matched", (await app.GetPhotoAsync(Id(keptEarlier), client)).GetProperty("status").GetString());
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

    private static double Score(JsonElement photo) => photo.GetProperty("milestoneScore").GetDouble();
}
