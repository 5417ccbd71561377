using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;
using SkiaSharp;

namespace ImaginAI.Tests.Integration.Embedding;

public sealed class EmbeddingFailureTests(TrackerApp app) : IClassFixture<TrackerApp>
{
    [Fact]
    public async Task Embedding_FileThatPassesTheHeaderButCannotDecode_FailsAfterThreeAttemptsWithoutBlockingOthers()
    {
        var client = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Broken file", client)).GetProperty("id").GetInt64();
        // A PNG cut inside its pixel data: the header (size, format) is intact, the pixels are not all there.
        using var bitmap = SKBitmap.Decode(RealPhotos.Read("Storm.jpg"));
        var png = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Png, 100).ToArray();
        var cutPng = png[..(png.Length / 3)];

        var response = await app.UploadAsync(projectId, [("cut.png", cutPng), ("good.jpg", RealPhotos.Read("Garden.jpg"))], client: client);
        var results = await response.Content.ReadFromJsonAsync<JsonElement>();
        var brokenId = results[0].GetProperty("id").GetInt64();
        var goodId = results[1].GetProperty("id").GetInt64();

        var good = await app.WaitUntilDecidedAsync(goodId, client: client);
        var broken = await app.WaitForStatusAsync(brokenId, ["failed"], client: client);

        Assert.Contains(good.GetProperty("status").GetString(), new[] { "matched", "unmatched" });
        Assert.Equal(3, broken.GetProperty("attempts").GetInt32());
        Assert.Matches("incomplete|damaged", broken.GetProperty("error").GetString());
        var timeline = await client.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}/timeline");
        Assert.Contains(timeline.GetProperty("failed").EnumerateArray(), p => p.GetProperty("id").GetInt64() == brokenId);
    }

    [Fact]
    public async Task Health_ReportsDatabaseModelAndCounts()
    {
        await app.WaitUntilSchedulerRunsAsync();
        var health = await app.CreateClient().GetFromJsonAsync<JsonElement>("/health");

        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("database").GetProperty("ok").GetBoolean());
        Assert.StartsWith("resnet18", health.GetProperty("model").GetProperty("id").GetString());
        Assert.Equal(512, health.GetProperty("model").GetProperty("dims").GetInt32());
        Assert.True(health.GetProperty("photos").TryGetProperty("pending", out _));
    }
}
