using ImaginAI.Tests.Support;

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
    [InlineData("Vision:Backend", "gpu")]
    [InlineData("Vision:MaxBatch", "0")]
    [InlineData("Accounts:LockoutMinutes", "0")]
    [InlineData("Accounts:MinPasswordLength", "3")]
    [InlineData("Health:QueueStuckAfterMinutes", "0")]
    [InlineData("Health:MinFreeDiskMegabytes", "-1")]
    public async Task Start_WithABadSetting_StopsNamingTheSetting(string setting, string value)
    {
        await using var app = TrackerApp.Create(settings: new() { [setting] = value });

        var failure = Record.Exception(app.Start);

        Assert.NotNull(failure);
        var messages = string.Join(" | ", Flatten(failure));
        Assert.Contains(setting, messages);
    }

    [Fact]
    public async Task Start_WithTheShippedSettings_Starts()
    {
        await using var app = TrackerApp.Create();

        using var response = await app.CreateClient().GetAsync("/health/live");

        Assert.True(response.IsSuccessStatusCode);
    }

    private static IEnumerable<string> Flatten(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e.Message;
            if (e is AggregateException aggregate)
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten)) yield return inner;
        }
    }
}
