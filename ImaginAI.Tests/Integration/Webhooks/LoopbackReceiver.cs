using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ImaginAI.Tests.Integration.Webhooks;

/// <summary>A real webhook receiver: Kestrel on 127.0.0.1, recording every request and answering as told.</summary>
public sealed class LoopbackReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<Received> received = new();

    public sealed record Received(string Path, IReadOnlyDictionary<string, string> Headers, string Body, int AnsweredWith);

    /// <summary>The status the next request gets, from what arrived so far (200 unless changed).</summary>
    public Func<IReadOnlyList<Received>, int> Answer { get; set; } = _ => StatusCodes.Status200OK;

    public IReadOnlyList<Received> Requests => [.. received];

    public Uri Url => new(app.Urls.First().TrimEnd('/') + "/hook");

    private LoopbackReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.MapPost("/redirect", () => Results.Redirect("/hook"));
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            var body = await new StreamReader(request.Body).ReadToEndAsync();
            var status = Answer(Requests);
            received.Enqueue(new Received("/hook", request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body, status));
            return Results.Text(status >= 400 ? "receiver is down" : "thanks", statusCode: status);
        });
    }

    public static async Task<LoopbackReceiver> StartAsync()
    {
        var receiver = new LoopbackReceiver();
        await receiver.app.StartAsync();
        return receiver;
    }

    public async Task<IReadOnlyList<Received>> WaitForAsync(Func<IReadOnlyList<Received>, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(3));
        while (!condition(Requests))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The receiver got {Requests.Count} requests: {string.Join(" | ", Requests.Select(r => r.Body))}");
            await Task.Delay(100);
        }
        return Requests;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
