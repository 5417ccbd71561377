using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.Search;

/// <summary>Search takes a photo as large as an upload may be, over real Kestrel (whose own default limit is 30 MB).</summary>
public sealed class SearchUploadLimitTests(KestrelTrackerApp app) : IClassFixture<KestrelTrackerApp>
{
    private const int KestrelDefaultLimit = 30_000_000;

    [Fact]
    public async Task Search_PhotoLargerThanKestrelsDefaultLimit_IsSearched()
    {
        // A real photo followed by padding, as a camera's embedded previews and maker notes make files large.
        var photo = RealPhotos.Read("Wood.jpg");
        var padded = new byte[KestrelDefaultLimit + 1_000_000];
        photo.CopyTo(padded, 0);

        using var response = await SearchAsync(padded);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.StartsWith("resnet18-int8/", body.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Search_PhotoOverTheUploadLimit_IsRefusedWith413Problem()
    {
        // Just over Storage:MaxUploadBytes (50 MB): the whole request is read and refused in words. (A body far over
        // it is cut off by Kestrel mid-stream, which a client sees as a reset rather than an answer.)
        var tooLarge = new byte[52_428_800 + 512 * 1024];
        RealPhotos.Read("Wood.jpg").CopyTo(tooLarge, 0);

        using var response = await SearchAsync(tooLarge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("the most the tracker accepts is 50 MB", await response.Content.ReadAsStringAsync());
        // The server is still up and answering.
        using var health = await app.CreateClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private async Task<HttpResponseMessage> SearchAsync(byte[] bytes)
    {
        using var client = app.CreateClient();
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "file", "large.jpg");
        return await client.PostAsync("/api/search", form);
    }
}
