using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Cli;

namespace ImaginAI.Tests.Integration.Timelapse;

/// <summary>
/// A spot visited several times: real photos seen again from a moved and turned camera at another exposure
/// (<see cref="ChangePairs"/>), uploaded with the times they were taken, and the time-lapse API polled until ready.
/// </summary>
public static class TimelapseScenario
{
    public static readonly DateTimeOffset FirstVisit = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The spot seen again on a later visit (no change pasted): viewpoint and exposure vary with <paramref name="visit"/>.</summary>
    public static byte[] Revisit(string scene, int visit) =>
        ChangePairs.Make(RealPhotos.Read(scene), null, 7000 + visit, visit % 2 == 0 ? 1.15f : 0.85f, 0.06f).After;

    public static async Task<long> UploadTakenAsync(HttpClient client, long projectId, string fileName, byte[] bytes, DateTimeOffset takenAt, long? milestoneId = null)
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(part, "files", fileName);
        form.Add(new StringContent(takenAt.ToString("O")), "takenAt");
        if (milestoneId is { } id) form.Add(new StringContent(id.ToString()), "milestoneId");
        using var response = await client.PostAsync($"/api/projects/{projectId}/photos", form);
        var body = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 202) throw new InvalidOperationException($"Upload of {fileName} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement[0].GetProperty("id").GetInt64();
    }

    /// <summary>Asks for the time-lapse until it is ready (the first request starts it) and returns it.</summary>
    public static async Task<JsonElement> WaitReadyAsync(HttpClient client, long photoId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(2));
        JsonElement state = default;
        while (DateTime.UtcNow < deadline)
        {
            state = await client.GetFromJsonAsync<JsonElement>($"/api/photos/{photoId}/timelapse", TrackerApp.Json);
            var status = state.GetProperty("status").GetString();
            if (status == "ready") return state;
            if (status is "failed" or "unavailable") throw new InvalidOperationException($"The time-lapse of {photoId} is {status}: {state}");
            await Task.Delay(250);
        }
        throw new TimeoutException($"The time-lapse of {photoId} was not ready in time: {state}");
    }
}
