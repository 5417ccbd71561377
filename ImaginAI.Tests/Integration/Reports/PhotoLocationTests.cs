using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.Reports;

/// <summary>Photos with EXIF GPS carry their location in the API and on the photo page (issue 15 §4, issue 14 §3).</summary>
public sealed class PhotoLocationTests(TrackerApp app) : IClassFixture<TrackerApp>
{
    [Fact]
    public async Task Upload_RealPhotoWithGps_ApiAndPageShowItsLocation()
    {
        using var api = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Located", api)).GetProperty("id").GetInt64();
        var located = await app.UploadOneAsync(projectId, "south.jpg",
            ReportScenario.WithGps(RealPhotos.Read("Dune.jpg"), -33.856784, 151.215297), client: api);
        var plain = await app.UploadOneAsync(projectId, "plain.jpg", RealPhotos.Read("Aqua.jpg"), client: api);

        var photo = await app.GetPhotoAsync(located, api);
        Assert.Equal(-33.856784, photo.GetProperty("location").GetProperty("latitude").GetDouble(), 5);
        Assert.Equal(151.215297, photo.GetProperty("location").GetProperty("longitude").GetDouble(), 5);
        Assert.Equal(JsonValueKind.Null, (await app.GetPhotoAsync(plain, api)).GetProperty("location").ValueKind);

        var map = await api.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}/locations", TrackerApp.Json);
        var marker = Assert.Single(map.GetProperty("photos").EnumerateArray());
        Assert.Equal(located, marker.GetProperty("id").GetInt64());
        Assert.Equal($"/photos/{located}", marker.GetProperty("pageUrl").GetString());
        Assert.Equal(1, map.GetProperty("withoutLocation").GetInt32());

        var page = await api.GetStringAsync($"/photos/{located}");
        Assert.Contains("33.85678° S", page);
        Assert.Contains("151.21530° E", page);
        Assert.Contains($"/projects/{projectId}/map?photo={located}", page);
        Assert.Contains("No location: the photo carries no GPS position.", await api.GetStringAsync($"/photos/{plain}"));
    }
}
