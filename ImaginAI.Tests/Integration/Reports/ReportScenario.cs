using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.Reports;

/// <summary>
/// A small real project for the report, export and map tests: two milestones (one due in the past), a reference
/// photo and a later site photo of each spot, notes, and GPS positions written into copies of real photos.
/// </summary>
public sealed record ReportScenario(
    long ProjectId, long Foundations, long Roof, long FoundationsSite, long RoofSite, long Unfiled,
    IReadOnlyDictionary<long, byte[]> Uploaded)
{
    public static readonly TimeSpan Processing = TimeSpan.FromMinutes(3);
    public const string FoundationsNote = "Pour finished before the rain, formwork stays until Friday";
    public const string UnfiledNote = "Crane delivery blocked the gate";
    public static readonly (double Lat, double Lon) Gate = (51.507351, -0.127758);

    /// <summary>A copy of a real photo with GPS EXIF at the given position.</summary>
    public static byte[] WithGps(byte[] jpeg, double latitude, double longitude) =>
        TestImages.WithExif(jpeg, new TestImages.Exif(Latitude: latitude, Longitude: longitude));

    public static async Task<ReportScenario> CreateAsync(TrackerApp app, HttpClient api, string name)
    {
        var projectId = (await app.CreateProjectAsync(name, api)).GetProperty("id").GetInt64();
        var foundations = await AddMilestoneAsync(api, projectId, "Foundations poured", "2020-01-31");
        var roof = await AddMilestoneAsync(api, projectId, "Roof on", "2999-12-31");
        var uploaded = new Dictionary<long, byte[]>();

        async Task<long> Upload(string file, byte[] bytes, long? milestone = null, string? note = null, string? takenAt = null)
        {
            using var form = new MultipartFormDataContent();
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(part, "files", file);
            if (milestone is { } m) form.Add(new StringContent(m.ToString()), "milestoneId");
            if (note is not null) form.Add(new StringContent(note), "note");
            if (takenAt is not null) form.Add(new StringContent(takenAt), "takenAt");
            using var response = await api.PostAsync($"/api/projects/{projectId}/photos", form);
            var body = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode != 202) throw new InvalidOperationException($"Upload of {file}: {(int)response.StatusCode} {body}");
            var id = JsonDocument.Parse(body).RootElement[0].GetProperty("id").GetInt64();
            uploaded[id] = bytes;
            await app.WaitUntilDecidedAsync(id, Processing, api);
            return id;
        }

        var garden = RealPhotos.Read("Garden.jpg");
        var storm = RealPhotos.Read("Storm.jpg");
        await Upload("foundations-reference.jpg", WithGps(garden, Gate.Lat, Gate.Lon), foundations, takenAt: "2026-10-01T09:00:00Z");
        await Upload("roof-reference.jpg", storm, roof, takenAt: "2026-10-02T09:00:00Z");
        var foundationsSite = await Upload("foundations-week-6.jpg",
            WithGps(PhotoVariants.SecondVisit(garden), Gate.Lat + 0.0001, Gate.Lon + 0.0001), note: FoundationsNote, takenAt: "2026-11-10T10:30:00Z");
        var roofSite = await Upload("roof-week-7.jpg", WithGps(PhotoVariants.SecondVisit(storm), 51.5101, -0.1340), takenAt: "2026-11-17T14:00:00Z");
        var unfiled = await Upload("gate.jpg", RealPhotos.Read("LadyBird.jpg"), note: UnfiledNote, takenAt: "2026-11-18T08:00:00Z");
        // A manager's decision, so the test does not depend on how the matcher scores these two.
        foreach (var (photo, milestone) in new[] { (foundationsSite, foundations), (roofSite, roof) })
            (await api.PutAsJsonAsync($"/api/photos/{photo}/milestone", new { milestoneId = milestone })).EnsureSuccessStatusCode();
        (await api.PutAsJsonAsync($"/api/photos/{unfiled}/milestone", new { milestoneId = (long?)null })).EnsureSuccessStatusCode();
        (await api.PatchAsJsonAsync($"/api/photos/{foundationsSite}", new { tags = new[] { "Formwork", "east wall" } })).EnsureSuccessStatusCode();
        return new ReportScenario(projectId, foundations, roof, foundationsSite, roofSite, unfiled, uploaded);
    }

    private static async Task<long> AddMilestoneAsync(HttpClient api, long projectId, string name, string due)
    {
        using var response = await api.PostAsJsonAsync($"/api/projects/{projectId}/milestones", new { name, dueDate = due });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }
}
