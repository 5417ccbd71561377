using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.Photos;

/// <summary>Bad input found by probing the upload from outside: each refused in plain words, nothing stored.</summary>
public sealed class UploadHardeningTests(UploadApp app) : IClassFixture<UploadApp>
{
    private readonly HttpClient client = app.CreateClient();

    private Task<long> NewProjectAsync(string name) => app.NewProjectAsync(name, client);

    private Task<long> PhotoRowsAsync(long projectId) => app.PhotoRowsAsync(projectId);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(31, 400)]
    public async Task Upload_PhotoUnder32PixelsOnASide_Returns422TooSmallAndStoresNothing(int width, int height)
    {
        var projectId = await NewProjectAsync($"Tiny {width}x{height}");

        var response = await app.UploadAsync(projectId, [("tiny.gif", TestImages.QuadrantsGif(width, height))], client: client);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var file = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("files")[0];
        Assert.Equal("tooSmall", file.GetProperty("reason").GetString());
        Assert.Equal($"This image is too small to be a site photo: it is {width} × {height} pixels, and a photo needs at least 32 pixels on each side.",
            file.GetProperty("error").GetString());
        Assert.Equal(0, await PhotoRowsAsync(projectId));
    }

    [Fact]
    public async Task Upload_32PixelPhoto_IsAccepted()
    {
        var projectId = await NewProjectAsync("Just big enough");

        var response = await app.UploadAsync(projectId, [("small.gif", TestImages.QuadrantsGif(32, 32))], client: client);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Upload_RandomBytesAfterAValidJpegHeader_Returns422AndStoresNothing()
    {
        var projectId = await NewProjectAsync("Garbage JPEG");
        var garbage = TestImages.GarbageAfterJpegHeader(RealPhotos.Read("Garden.jpg"));

        var response = await app.UploadAsync(projectId, [("site.jpg", garbage)], client: client);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var file = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("files")[0];
        Assert.Equal("This file is not a photo we can read: it starts like a JPEG image but its contents are damaged.", file.GetProperty("error").GetString());
        Assert.Equal(0, await PhotoRowsAsync(projectId));
    }

    [Fact]
    public async Task Upload_20000FormFields_Returns400AtOnceAndStoresNothing()
    {
        var projectId = await NewProjectAsync("Field flood");
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(TestImages.QuadrantsJpeg(320, 240)), "files", "site.jpg");
        for (var i = 0; i < 20_000; i++) form.Add(new StringContent("x"), $"field{i}");

        var response = await client.PostAsync($"/api/projects/{projectId}/photos", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Too many form fields", problem.GetProperty("title").GetString());
        Assert.Equal(0, await PhotoRowsAsync(projectId));
        Assert.Empty(Directory.GetFiles(Path.Combine(app.DataDirectory, "tmp")));
    }

    [Fact]
    public async Task Upload_PartHeadersOver8KB_Returns400ProblemAndStoresNothing()
    {
        var projectId = await NewProjectAsync("Header flood");
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(TestImages.QuadrantsJpeg(320, 240));
        part.Headers.Add("X-Padding", new string('a', 9000));
        form.Add(part, "files", "site.jpg");

        var response = await client.PostAsync($"/api/projects/{projectId}/photos", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("Form too large", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Equal(0, await PhotoRowsAsync(projectId));
    }

    [Fact]
    public async Task Upload_FileNameWithBidiOverrides_StoredWithoutThem()
    {
        var projectId = await NewProjectAsync("Bidi names");

        // Shown as "photoexe.jpg" by anything that honours the override; really a name ending in ".exe".
        var id = await app.UploadOneAsync(projectId, "photo\u202Egpj.exe\u2066\u200F", TestImages.QuadrantsJpeg(320, 240), client: client);

        Assert.Equal("photogpj.exe", (await app.GetPhotoAsync(id, client)).GetProperty("fileName").GetString());
    }

    [Fact]
    public async Task GetFile_AnyPhoto_ForbidsFramingInItsPolicy()
    {
        var projectId = await NewProjectAsync("No framing");
        var id = await app.UploadOneAsync(projectId, "site.jpg", TestImages.QuadrantsJpeg(320, 240), client: client);

        var response = await client.GetAsync($"/api/photos/{id}/file");

        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Contains("sandbox", policy);
    }
}
