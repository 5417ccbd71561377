using ImaginAI.Tests.Support;
using Microsoft.Extensions.Logging;

namespace ImaginAI.Tests.Integration.Operations;

public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Storage:MaxUploadBytes", "0")]
    [InlineData("Storage:MaxFilesPerRequest", "0")]
    [InlineData("Embedding:MaxAttempts", "0")]
    [InlineData("Embedding:BatchSize", "1000")]
    [InlineData("Matching:DefaultThreshold", "1.5")]
    [InlineData("Matching:MaxVerifiedCandidates", "50")]
    [InlineData("Matching:MinLayoutAgreement", "2")]
    [InlineData("Vision:Backend", "gpu")]
    [InlineData("Vision:MaxBatch", "0")]
    [InlineData("Accounts:LockoutMinutes", "0")]
    [InlineData("Accounts:MinPasswordLength", "3")]
    [InlineData("Health:QueueStuckAfterMinutes", "0")]
    [InlineData("Health:MinFreeDiskMegabytes", "-1")]
    public async Task Start_WithABadSetting_StopsNamingTheSetting(string setting, string value)
    {
        await using var app = new LoggedTrackerApp((_, level) => level >= LogLevel.Error, new() { [setting] = value });

        var failure = Record.Exception(app.Start);

        Assert.NotNull(failure);
        // What the admin reads is the host's "failed to start" line on the console. The exception that reaches the test
        // harness is sometimes only WebApplicationFactory's ObjectDisposedException, when the app's own thread has
        // already disposed the failed host, so the logged error is what this checks.
        var logged = string.Join(" | ", app.Entries.Select(e => e.Text));
        Assert.True(logged.Contains(setting, StringComparison.Ordinal),
            $"The logged startup errors do not name {setting}: {logged}\nThe exception: {failure}");
    }

    [Fact]
    public async Task Start_WithTheShippedSettings_Starts()
    {
        await using var app = TrackerApp.Create();

        using var response = await app.CreateClient().GetAsync("/health/live");

        Assert.True(response.IsSuccessStatusCode);
    }
}
