using System.Net;
using System.Net.Http.Headers;
using ImaginAI.Tests.Integration.Accounts;
using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.Search;

/// <summary>One search at a time and no queue, on Kestrel so a request body can stay open while it is read.</summary>
public sealed class SingleSearchApp() : TrackerApp(kestrel: true, dataDirectory: null, settings: new()
{
    ["Search:MaxConcurrent"] = "1",
    ["Search:QueueLimit"] = "0",
    ["Search:RetryAfterSeconds"] = "7",
});

public sealed class SearchConcurrencyTests(SingleSearchApp app) : IClassFixture<SingleSearchApp>
{
    [Fact]
    public async Task Search_WhileTheOnlySlotIsBusy_Returns429WithRetryAfterThenServesTheNextOne()
    {
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.AdminToken);
        var photo = RealPhotos.Read("Wood.jpg");
        var release = new TaskCompletionSource();
        var bodyStarted = new TaskCompletionSource();
        var slow = new MultipartFormDataContent();
        slow.Add(new HeldContent(photo, bodyStarted, release.Task), "file", "slow.jpg");
        var first = client.PostAsync("/api/search", slow);
        await bodyStarted.Task; // the first search holds the slot while its body is still arriving
        // Its headers may still be on their way to the server: ask again (a few milliseconds each) until it holds it.
        await Task.Delay(200);
        // The probe is small so its whole body is on the wire before the server refuses it: a large body refused
        // unread can reach the client as a connection reset instead of the 429, which is not what is tested here.
        var probe = TestImages.QuadrantsJpeg(320, 240);
        HttpResponseMessage? refused = null;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                refused = await client.PostAsync("/api/search", SearchScenario.Query(probe));
                if (refused.StatusCode == HttpStatusCode.TooManyRequests) break;
                refused.Dispose();
                refused = null;
            }
            catch (HttpRequestException)
            {
                // a reset while the slot changes hands: ask again
            }
            await Task.Delay(100);
        }
        release.SetResult();
        using var firstResponse = await first;
        using var next = await client.PostAsync("/api/search", SearchScenario.Query(photo));

        Assert.NotNull(refused);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("7", refused.Headers.GetValues("Retry-After").Single());
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        Assert.Equal("Search is busy", (await refused.ReadJsonAsync()).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        refused.Dispose();
        // The contract declares this answer (the documented-responses test leaves producing it to this test).
        var document = await ApiDocs.OpenApiDocumentTests.ReadDocumentAsync(client);
        Assert.True(document.GetProperty("paths").GetProperty("/api/search").GetProperty("post").GetProperty("responses").TryGetProperty("429", out _));
    }

    /// <summary>Sends the first bytes of the photo, then waits to be released before sending the rest.</summary>
    private sealed class HeldContent(byte[] bytes, TaskCompletionSource started, Task release) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(bytes.AsMemory(0, 1024));
            await stream.FlushAsync();
            started.TrySetResult();
            await release;
            await stream.WriteAsync(bytes.AsMemory(1024));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }
}
