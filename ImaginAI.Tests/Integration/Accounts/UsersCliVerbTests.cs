using System.Diagnostics;
using System.Net;
using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.Accounts;

/// <summary>The users verb run as its own process, as an admin locked out of the web would run it.</summary>
public sealed class UsersCliVerbTests
{
    [Fact]
    public async Task UsersVerb_AddResetAndToken_RecoverAnAdminWhoseWebSignInIsLocked()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "imaginai-tests", Guid.NewGuid().ToString("N"));
        try
        {
            Assert.Equal(0, Run(dataDirectory, "first admin password\n", "users", "add", "boss@tracker.test", "--role", "admin").ExitCode);
            var list = Run(dataDirectory, null, "users", "list");
            Assert.Contains("boss@tracker.test", list.Output);
            Assert.Contains("admin", list.Output);
            Assert.Equal(1, Run(dataDirectory, "short\n", "users", "reset-password", "boss@tracker.test").ExitCode);

            await using (var app = TrackerApp.Create(dataDirectory: dataDirectory, settings: new() { ["Admin:Email"] = "", ["Admin:Password"] = "" }))
            {
                using var browser = app.CreateBrowserClient();
                for (var i = 0; i < 5; i++) await browser.PostLoginAsync("boss@tracker.test", "forgotten " + i);
                Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostLoginAsync("boss@tracker.test", "first admin password")).StatusCode);
            }

            Assert.Equal(0, Run(dataDirectory, "remembered password\n", "users", "reset-password", "boss@tracker.test").ExitCode);
            var token = Run(dataDirectory, null, "users", "token", "boss@tracker.test", "--name", "recovery");
            Assert.Equal(0, token.ExitCode);

            await using (var app = TrackerApp.Create(dataDirectory: dataDirectory, settings: new() { ["Admin:Email"] = "", ["Admin:Password"] = "" }))
            {
                using var browser = app.CreateBrowserClient();
                Assert.Equal(HttpStatusCode.Redirect, (await browser.PostLoginAsync("boss@tracker.test", "remembered password")).StatusCode);
                using var script = app.CreateClientWithToken(token.Output.Trim());
                Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/projects")).StatusCode);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
        }
    }

    private static (int ExitCode, string Output) Run(string dataDirectory, string? stdin, params string[] args)
    {
        var tracker = Path.Combine(AppContext.BaseDirectory, "ImaginAI.Tracker.dll");
        var start = new ProcessStartInfo("dotnet", [tracker, .. args])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["Storage__DataDirectory"] = dataDirectory;
        foreach (var (key, value) in TestDatabase.Settings(dataDirectory)) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        using var process = Process.Start(start)!;
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + (process.ExitCode == 0 ? "" : error));
    }
}
