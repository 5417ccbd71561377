using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.Operations;

public sealed class PhotoLogTests
{
    [Fact]
    public async Task PhotoStateChanges_UploadEmbedDecideAndManagerDecision_EachLogOneStructuredLineWithAnEventId()
    {
        await using var app = new LoggedTrackerApp(
            (category, _) => category.StartsWith("ImaginAI.Tracker.Telemetry", StringComparison.Ordinal),
            new() { ["Logging:LogLevel:ImaginAI.Tracker.Telemetry"] = "Information" });
        var admin = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Logged", admin)).GetProperty("id").GetInt64();
        var milestone = await app.AddMilestoneAsync(projectId, "Planted", admin);
        var photoId = await app.UploadOneAsync(projectId, "garden.jpg", RealPhotos.Read("Garden.jpg"), client: admin);
        await app.WaitUntilDecidedAsync(photoId, client: admin);
        // The job logs its decision just after committing it, so the decision can be read before its line is written.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!app.Entries.Any(e => e.EventId.Id == 1105 && e.Values.TryGetValue("PhotoId", out var id) && Equals(id, photoId))
               && DateTime.UtcNow < deadline) await Task.Delay(50);
        (await admin.PutAsync($"/api/photos/{photoId}/milestone",
            System.Net.Http.Json.JsonContent.Create(new { milestoneId = milestone }))).EnsureSuccessStatusCode();

        var lines = app.Entries.Where(l => l.Values.TryGetValue("PhotoId", out var id) && Equals(id, photoId)).ToList();

        Assert.Equal(["PhotoAdded", "PhotoEmbedded", "PhotoNeedsReview", "PhotoDecidedByManager"], lines.Select(l => l.EventId.Name));
        Assert.Equal([1100, 1101, 1105, 1106], lines.Select(l => l.EventId.Id));
        Assert.All(lines, line =>
        {
            Assert.Equal(projectId, line.Values["ProjectId"]);
            Assert.IsType<double>(line.Values["DurationMs"]);
            Assert.True((double)line.Values["DurationMs"]! >= 0);
        });
        Assert.Equal("unmatched", lines[3].Values["FromStatus"]);
        Assert.Equal("matched", lines[3].Values["ToStatus"]);
    }
}
