using System.Diagnostics;
using System.Text.Json;
using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.Cli;

/// <summary>
/// A tiny <c>bench ingest</c> run, as a user starts it: it must start the real server, get every upload decided and
/// end with the JSON line. The figures themselves are measurements, not asserted.
/// </summary>
public class BenchIngestVerbTests
{
    [Fact]
    public async Task BenchIngest_ThreeUploads_DecidesAllAndEndsWithTheHeadlineJson()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "ImaginAI.Tracker.dll"), "bench", "ingest", "--photos", RealPhotos.Directory, "--count", "3", "--milestones", "2" })
            psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("bench ingest did not finish within 5 minutes: " + await stderr);
        }

        var output = await stdout;
        Assert.True(process.ExitCode == 0, output + await stderr);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("decided: 3 of 3", StringComparison.Ordinal));
        var headline = JsonDocument.Parse(lines[^1]).RootElement;
        Assert.Equal(["photos", "decidedPerSecond", "embedOnlyPerSecond", "p50Ms", "p95Ms", "p99Ms", "timelineP95Ms"],
            headline.EnumerateObject().Select(p => p.Name));
        Assert.Equal(3, headline.GetProperty("photos").GetInt32());
        Assert.True(headline.GetProperty("decidedPerSecond").GetDouble() > 0);
        Assert.True(headline.GetProperty("embedOnlyPerSecond").GetDouble() > 0);
        Assert.True(headline.GetProperty("p50Ms").GetDouble() <= headline.GetProperty("p99Ms").GetDouble());
    }
}
