using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Integration.Accounts;
using ImaginAI.Tracker.Matching;
using ImaginAI.Vision.Decoding;
using SkiaSharp;

namespace ImaginAI.Tests.Integration.Matching;

public sealed class PhotoCompareTests(MatchingScenario scenario) : IClassFixture<MatchingScenario>
{
    private readonly HttpClient client = scenario.CreateClient();

    private long LaterId => scenario.FoundationsLater.GetProperty("id").GetInt64();

    [Fact]
    public async Task Compare_RevisitWithItsReference_GivesInlierLinesInsideBothPhotos()
    {
        var comparison = await client.GetFromJsonAsync<JsonElement>($"/api/photos/{LaterId}/compare/{scenario.FoundationsReferenceId}");

        Assert.True(comparison.GetProperty("aligned").GetBoolean());
        var inliers = comparison.GetProperty("inliers").GetInt32();
        Assert.InRange(inliers, new MatchRuleSettings().MinInliers, int.MaxValue);
        var lines = comparison.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(inliers, lines.Count);
        Assert.All(lines, line =>
        {
            foreach (var name in new[] { "beforeX", "beforeY", "afterX", "afterY" }) Assert.InRange(line.GetProperty(name).GetDouble(), 0, 1);
        });
    }

    [Fact]
    public async Task Aligned_RevisitWithItsReference_LaysTheEarlierPhotoOverTheLaterOne()
    {
        using var response = await client.GetAsync($"/api/photos/{LaterId}/compare/{scenario.FoundationsReferenceId}/aligned.jpg");
        var aligned = await response.Content.ReadAsByteArrayAsync();
        var later = await client.GetByteArrayAsync($"/api/photos/{LaterId}/file");
        var reference = await client.GetByteArrayAsync($"/api/photos/{scenario.FoundationsReferenceId}/file");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("true", response.Headers.GetValues("X-Aligned").Single());
        // The later visit is a reframed crop: the warped reference must sit over it far better than the reference
        // merely stretched to the same frame.
        var warpedDifference = MeanDifference(aligned, later);
        var stretchedDifference = MeanDifference(reference, later);
        Assert.True(warpedDifference < stretchedDifference * 0.6, $"aligned differs by {warpedDifference:0.0}, stretched by {stretchedDifference:0.0}");
    }

    [Fact]
    public async Task Compare_WithAPhotoOfAProjectTheCallerIsNotIn_Returns404()
    {
        var team = await scenario.CreateTeamAsync("Next door");
        using var outsider = scenario.CreateClientWithToken(team.Manager.Token);
        var own = await scenario.UploadOneAsync(team.ProjectId, "own.jpg", ImaginAI.Tests.Support.RealPhotos.Read("Storm.jpg"), client: outsider);

        using var comparison = await outsider.GetAsync($"/api/photos/{own}/compare/{scenario.FoundationsReferenceId}");
        using var aligned = await outsider.GetAsync($"/api/photos/{own}/compare/{scenario.FoundationsReferenceId}/aligned.jpg");

        Assert.Equal(HttpStatusCode.NotFound, comparison.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, aligned.StatusCode);
        Assert.Equal("application/problem+json", aligned.Content.Headers.ContentType!.MediaType);
    }

    // Mean absolute grey-level difference at 64×48 (misalignment still shows, JPEG noise does not), each photo
    // scaled to the same mean brightness first: the later visit is brighter, which is not a misalignment.
    private static double MeanDifference(byte[] a, byte[] b)
    {
        var first = Lumas(a);
        var second = Lumas(b);
        var (meanFirst, meanSecond) = (first.Average(), second.Average());
        return first.Zip(second, (p, q) => Math.Abs(p / meanFirst - q / meanSecond) * 128).Average();
    }

    private static double[] Lumas(byte[] photo)
    {
        using var grey = Grey(photo);
        return [.. Enumerable.Range(0, 48 * 64).Select(i => Luma(grey.GetPixel(i % 64, i / 64)))];
    }

    private static double Luma(SKColor c) => 0.299 * c.Red + 0.587 * c.Green + 0.114 * c.Blue;

    private static SKBitmap Grey(byte[] photo)
    {
        using var decoded = PhotoDecoder.Decode(photo);
        return decoded.Bitmap.Resize(new SKImageInfo(64, 48, SKColorType.Rgba8888, SKAlphaType.Opaque), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))!;
    }
}
