using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ImaginAI.Tracker.Cli;

/// <summary>
/// A Tracker build run as a separate process (<c>dotnet ImaginAI.Tracker.dll</c>) on a loopback port Kestrel picks,
/// for what can only be seen from outside: the server's own peak memory, and what survives a SIGKILL. The same data
/// directory can be started again after a kill. Settings are passed as environment variables ("Embedding:BatchSize"
/// becomes Embedding__BatchSize).
/// </summary>
public sealed partial class ServerProcess(string trackerDll, string dataDirectory, IReadOnlyDictionary<string, string?>? settings = null) : IAsyncDisposable
{
    private const int KeptOutputLines = 200;
    private readonly ConcurrentQueue<string> output = new();
    private Process? process;
    private volatile Uri? baseAddress;

    /// <summary>This build's own dll, for a verb that starts a server beside itself.</summary>
    public static string ThisTrackerDll => typeof(ServerProcess).Assembly.Location;

    public string DataDirectory { get; } = Path.GetFullPath(dataDirectory);

    /// <summary>The server's database, open: its SQLite file (read-only), or the PostgreSQL database its settings name.</summary>
    public async Task<System.Data.Common.DbConnection> OpenDatabaseAsync()
    {
        System.Data.Common.DbConnection connection =
            string.Equals(settings?.GetValueOrDefault("Database:Provider"), "postgres", StringComparison.OrdinalIgnoreCase)
                ? new Npgsql.NpgsqlConnection(settings!.GetValueOrDefault("ConnectionStrings:Postgres"))
                : new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(DataDirectory, "tracker.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>http://127.0.0.1:port/ of the running server; the port changes at each start.</summary>
    public Uri BaseAddress => baseAddress ?? throw new InvalidOperationException("The server is not running.");

    public int ProcessId => process?.Id ?? throw new InvalidOperationException("The server is not running.");

    public bool IsRunning => process is { HasExited: false };

    /// <summary>The last lines the server wrote, for a failure message.</summary>
    public string RecentOutput => string.Join('\n', output);

    /// <summary>Starts the server and returns once Kestrel listens (the schema is migrated by then).</summary>
    public async Task StartAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        if (IsRunning) throw new InvalidOperationException("The server is already running.");
        process?.Dispose();
        baseAddress = null;
        Directory.CreateDirectory(DataDirectory);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [trackerDll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DataDirectory,
        };
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Storage:DataDirectory"] = DataDirectory,
            ["Logging:LogLevel:Default"] = "Warning",
            // The one line this class reads: "Now listening on: http://127.0.0.1:port".
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
            ["Logging:Console:FormatterName"] = "simple",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) environment[key] = value;
        foreach (var (key, value) in environment) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new Process { StartInfo = start, EnableRaisingEvents = true };
        started.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            Remember(e.Data);
            if (ListeningLine().Match(e.Data) is { Success: true } match) listening.TrySetResult(new Uri(match.Groups[1].Value.TrimEnd('/') + "/"));
        };
        started.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) Remember(e.Data);
        };
        started.Exited += (_, _) => listening.TrySetException(new InvalidOperationException(
            $"The server exited before it listened:\n{RecentOutput}"));
        started.Start();
        process = started;
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        try
        {
            baseAddress = await listening.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(90), cancellationToken);
        }
        catch
        {
            Kill();
            throw;
        }
    }

    /// <summary>SIGKILL (what <see cref="Process.Kill()"/> sends on Linux): no shutdown code runs, as in a crash.</summary>
    public void Kill()
    {
        if (process is not { HasExited: false } running) return;
        running.Kill(entireProcessTree: true);
        running.WaitForExit();
        baseAddress = null;
    }

    /// <summary>
    /// SIGSTOP: the server halts where it is, mid-statement, until <see cref="Resume"/>. A crash test looks at a moment
    /// through it before deciding to kill there, since a moment seen while the server runs may be over by the kill.
    /// </summary>
    public void Pause() => Signal("STOP");

    /// <summary>SIGCONT: the paused server goes on as if nothing happened.</summary>
    public void Resume() => Signal("CONT");

    private void Signal(string name)
    {
        if (process is not { HasExited: false } running) return;
        using var signal = Process.Start("kill", [$"-{name}", running.Id.ToString(CultureInfo.InvariantCulture)]);
        signal.WaitForExit();
    }

    /// <summary>SIGTERM, a normal shutdown (running jobs finish their batch); SIGKILL if it takes longer than the timeout.</summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        if (process is not { HasExited: false }) return;
        Signal("TERM");
        var running = process;
        using var wait = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await running.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
        baseAddress = null;
    }

    /// <summary>The most memory the server has held resident since it started (VmHWM in /proc/PID/status).</summary>
    public long PeakResidentBytes => ReadStatusKilobytes("VmHWM") * 1024;

    public long ResidentBytes => ReadStatusKilobytes("VmRSS") * 1024;

    private long ReadStatusKilobytes(string field)
    {
        var line = File.ReadLines($"/proc/{ProcessId}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private void Remember(string line)
    {
        output.Enqueue(line);
        while (output.Count > KeptOutputLines) output.TryDequeue(out _);
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(15));
        process?.Dispose();
    }
}
