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
        // The probe is small so its whole body is on the wire before the server refuses it: a large body refused
        // unread can reach the client as a connection reset instead of the 429, which is not what is tested here.
        var probe = TestImages.QuadrantsJpeg(320, 240);
        HttpResponseMessage? refused = null;
        Task<HttpResponseMessage> first = null!;
        TaskCompletionSource release = null!;
        // A search whose body is still arriving holds the only slot, and a probe is refused meanwhile. On a loaded
        // machine a probe can reach the server before the held search does and take the slot; the held search is
        // then refused itself and the probes get answers. That round is abandoned and a new held search sent.
        for (var round = 1; round <= 5 && refused is null; round++)
        {
            release = new TaskCompletionSource();
            var bodyStarted = new TaskCompletionSource();
            var slow = new MultipartFormDataContent();
            slow.Add(new HeldContent(photo, bodyStarted, release.Task), "file", "slow.jpg");
            first = client.PostAsync("/api/search", slow);
            await bodyStarted.Task;
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (refused is null && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
                try
                {
                    var answer = await client.PostAsync("/api/search", SearchScenario.Query(probe));
                    if (answer.StatusCode == HttpStatusCode.TooManyRequests) refused = answer;
                    else answer.Dispose();
                }
                catch (HttpRequestException)
                {
                    // a reset while the slot changes hands: ask again
                }
                if (refused is null && first.IsCompleted) break; // the held search was refused: a new round
            }
            if (refused is not null) break;
            release.SetResult();
            try { (await first).Dispose(); } catch (HttpRequestException) { }
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

    /// <summary>
    /// Sends the first bytes of the photo, then trickles more at 4 KB/s until released, and sends what is left.
    /// A body that stopped altogether would be cut by Kestrel's minimum data rate (240 B/s after 5 s), which a loaded
    /// machine can reach before the probe gets its 429.
    /// </summary>
    private sealed class HeldContent(byte[] bytes, TaskCompletionSource started, Task release) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            const int Chunk = 1024;
            var sent = Chunk;
            await stream.WriteAsync(bytes.AsMemory(0, sent));
            await stream.FlushAsync();
            started.TrySetResult();
            // The last chunks wait for the release whatever happens, so the search cannot finish and free its slot.
            while (sent + 2 * Chunk < bytes.Length)
            {
                await Task.WhenAny(release, Task.Delay(250));
                if (release.IsCompleted) break;
                await stream.WriteAsync(bytes.AsMemory(sent, Chunk));
                await stream.FlushAsync();
                sent += Chunk;
            }
            await release;
            await stream.WriteAsync(bytes.AsMemory(sent));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }
}
