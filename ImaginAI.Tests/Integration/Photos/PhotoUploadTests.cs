using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ImaginAI.Tests.Support;
using SkiaSharp;

namespace ImaginAI.Tests.Integration.Photos;

public sealed class PhotoUploadTests(UploadApp app) : IClassFixture<UploadApp>
{
    private readonly HttpClient client = app.CreateClient();

    private Task<long> NewProjectAsync(string name) => app.NewProjectAsync(name, client);

    private Task<long> PhotoRowsAsync(long projectId) => app.PhotoRowsAsync(projectId);

    [Fact]
    public async Task Upload_RealPhoto_Returns202PendingAndStoresItByContentHash()
    {
        var projectId = await NewProjectAsync("Upload accepted");
        var bytes = RealPhotos.Read("Garden.jpg");

        var response = await app.UploadAsync(projectId, [("garden.jpg", bytes)], client: client);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<JsonElement>())[0];
        Assert.Equal("garden.jpg", result.GetProperty("fileName").GetString());
        Assert.False(result.TryGetProperty("duplicateOf", out _));
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.True(File.Exists(Path.Combine(app.PhotosDirectory, sha[..2], sha + ".jpg")));
        var photo = await app.GetPhotoAsync(result.GetProperty("id").GetInt64(), client);
        Assert.Equal(projectId, photo.GetProperty("projectId").GetInt64());
        using var decoded = SKBitmap.Decode(bytes);
        Assert.Equal(decoded.Width, photo.GetProperty("width").GetInt32());
    }

    [Fact]
    public async Task Upload_SameFileTwice_ReportsDuplicateOfTheFirstAndStoresOnce()
    {
        var projectId = await NewProjectAsync("Duplicates");
        var bytes = RealPhotos.Read("Dune.jpg");
        var firstId = await app.UploadOneAsync(projectId, "dune.jpg", bytes, client: client);

        var again = await app.UploadAsync(projectId, [("dune-again.jpg", bytes)], client: client);

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        var result = (await again.Content.ReadFromJsonAsync<JsonElement>())[0];
        Assert.Equal(firstId, result.GetProperty("duplicateOf").GetInt64());
        Assert.Equal(firstId, result.GetProperty("id").GetInt64());
        Assert.Equal(1, await PhotoRowsAsync(projectId));
    }

    [Fact]
    public async Task Upload_SameFileInConcurrentRequests_StoresOneRowAndReportsTheOtherAsDuplicate()
    {
        var projectId = await NewProjectAsync("Concurrent duplicates");
        var bytes = RealPhotos.Read("RainDrops.jpg");

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => app.UploadAsync(projectId, [($"rain-{i}.jpg", bytes)], client: app.CreateClient())));

        var results = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>())[0]));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var id = Assert.Single(results.Select(r => r.GetProperty("id").GetInt64()).Distinct());
        Assert.Single(results, r => !r.TryGetProperty("duplicateOf", out _));
        Assert.All(results.Where(r => r.TryGetProperty("duplicateOf", out _)), r => Assert.Equal(id, r.GetProperty("duplicateOf").GetInt64()));
        Assert.Equal(1, await PhotoRowsAsync(projectId));
    }

    [Fact]
    public async Task Upload_TextRenamedJpg_Returns422WithTheReasonAndStoresNothing()
    {
        var projectId = await NewProjectAsync("Not a photo");
        var filesBefore = TrackerDatabase.StoredFiles(app.PhotosDirectory).Count;

        var response = await app.UploadAsync(projectId, [("site-notes.jpg", Encoding.UTF8.GetBytes("Pour the slab on Monday, not Tuesday.\n"))], client: client);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var file = problem.GetProperty("files")[0];
        Assert.Equal("site-notes.jpg", file.GetProperty("fileName").GetString());
        Assert.Equal("notAnImage", file.GetProperty("reason").GetString());
        Assert.Contains("not a photo", file.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await PhotoRowsAsync(projectId));
        Assert.Equal(filesBefore, TrackerDatabase.StoredFiles(app.PhotosDirectory).Count);
        Assert.Empty(Directory.GetFiles(Path.Combine(app.DataDirectory, "tmp")));
    }

    [Fact]
    public async Task Upload_TruncatedJpegBesideGoodPhoto_AcceptsTheGoodOneAndRefusesTheOther()
    {
        var projectId = await NewProjectAsync("Mixed upload");
        var good = RealPhotos.Read("Storm.jpg");
        var truncated = RealPhotos.Read("Wood.jpg")[..20_000];

        var response = await app.UploadAsync(projectId, [("storm.jpg", good), ("wood.jpg", truncated)], client: client);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var results = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(results[0].TryGetProperty("id", out _));
        Assert.Equal("truncated", results[1].GetProperty("reason").GetString());
        Assert.False(results[1].TryGetProperty("id", out _));
        Assert.Equal(1, await PhotoRowsAsync(projectId));
        var sha = Convert.ToHexStringLower(SHA256.HashData(truncated));
        Assert.DoesNotContain(TrackerDatabase.StoredFiles(app.PhotosDirectory), f => f.Contains(sha));
    }

    [Fact]
    public async Task Upload_FileOverTheLimit_Returns413AndStoresNothing()
    {
        var projectId = await NewProjectAsync("Too big");
        var oversized = new byte[UploadApp.MaxUploadBytes + 1];
        RealPhotos.Read("Aqua.jpg").CopyTo(oversized, 0);
        var filesBefore = TrackerDatabase.StoredFiles(app.PhotosDirectory).Count;

        var response = await app.UploadAsync(projectId, [("huge.jpg", oversized)], client: client);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("4 MB", problem.GetProperty("detail").GetString());
        Assert.Equal("tooLarge", problem.GetProperty("files")[0].GetProperty("reason").GetString());
        Assert.Equal(0, await PhotoRowsAsync(projectId));
        Assert.Equal(filesBefore, TrackerDatabase.StoredFiles(app.PhotosDirectory).Count);
    }

    [Fact]
    public async Task Upload_BodyCutOffInsideTheFile_Returns400ProblemAndStoresNothing()
    {
        var projectId = await NewProjectAsync("Cut-off upload");
        var head = Encoding.ASCII.GetBytes("--cut\r\nContent-Disposition: form-data; name=\"files\"; filename=\"aqua.jpg\"\r\n\r\n");
        var content = new ByteArrayContent([.. head, .. RealPhotos.Read("Aqua.jpg")[..50_000]]);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=cut");

        var response = await client.PostAsync($"/api/projects/{projectId}/photos", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(0, await PhotoRowsAsync(projectId));
        Assert.Empty(Directory.GetFiles(Path.Combine(app.DataDirectory, "tmp")));
    }

    [Fact]
    public async Task Upload_UnknownProject_Returns404Problem()
    {
        var response = await app.UploadAsync(987654, [("a.jpg", RealPhotos.Read("Aqua.jpg"))], client: client);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Upload_NoFiles_Returns400Problem()
    {
        var projectId = await NewProjectAsync("Empty upload");
        using var form = new MultipartFormDataContent { { new StringContent("just a note"), "note" } };

        var response = await client.PostAsync($"/api/projects/{projectId}/photos", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Upload_MilestoneOfAnotherProject_Returns400AndStoresNothing()
    {
        var projectId = await NewProjectAsync("Milestone check");
        var otherProject = await NewProjectAsync("Other project");
        var foreignMilestone = await app.AddMilestoneAsync(otherProject, "Roof", client);

        var response = await app.UploadAsync(projectId, [("aqua.jpg", RealPhotos.Read("Aqua.jpg"))], foreignMilestone, client);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await PhotoRowsAsync(projectId));
    }

    [Fact]
    public async Task GetFile_PhotoNamedHtml_ServedAsItsRealTypeInlineWithNosniff()
    {
        var projectId = await NewProjectAsync("File endpoint");
        using var bitmap = new SKBitmap(64, 48);
        bitmap.Erase(SKColors.OrangeRed);
        using var png = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Png, 100);
        var photoId = await app.UploadOneAsync(projectId, "report.html", png.ToArray(), client: client);

        var response = await client.GetAsync($"/api/photos/{photoId}/file");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("inline", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("report.html", response.Content.Headers.ContentDisposition.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName?.Trim('"'));
        Assert.Equal(png.ToArray(), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task GetThumbnail_LargePhoto_ReturnsJpegOfAbout400Pixels()
    {
        var projectId = await NewProjectAsync("Thumbnails");
        var photoId = await app.UploadOneAsync(projectId, "yellow.jpg", RealPhotos.Read("YellowFlower.jpg"), client: client);

        var response = await client.GetAsync($"/api/photos/{photoId}/thumbnail");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType!.MediaType);
        using var thumbnail = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(400, Math.Max(thumbnail.Width, thumbnail.Height));
        Assert.Single(Directory.GetFiles(Path.Combine(app.DataDirectory, "thumbs"), "*.jpg", SearchOption.AllDirectories),
            f => f.Contains(Convert.ToHexStringLower(SHA256.HashData(RealPhotos.Read("YellowFlower.jpg")))));
    }
}
