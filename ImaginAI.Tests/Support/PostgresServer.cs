using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ImaginAI.Tests.Support;

/// <summary>
/// A PostgreSQL server of a test's own (Debian's postgresql package: initdb and pg_ctl run as the postgres user, as
/// .ci/run starts the shared one), on a free loopback port in a temporary directory, for tests that stop and start
/// the server under a running app. Disposing stops it and deletes its files.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "imaginai-pg-" + Guid.NewGuid().ToString("N"));
    private readonly string bin = Directory.GetDirectories("/usr/lib/postgresql").OrderBy(d => Version.TryParse(Path.GetFileName(d), out var v) ? v : new Version()).Last() + "/bin";

    public int Port { get; } = FreePort();

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=3";

    public static async Task<PostgresServer> StartNewAsync()
    {
        var server = new PostgresServer();
        Directory.CreateDirectory(server.directory);
        await RunAsync("chown", "postgres", server.directory);
        await server.AsPostgresAsync($"{server.bin}/initdb -D {server.directory}/data -U postgres --auth=trust");
        await server.StartAsync();
        return server;
    }

    public Task StartAsync() => AsPostgresAsync(
        $"{bin}/pg_ctl -D {directory}/data -o '-p {Port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off' -l {directory}/log -w start");

    /// <summary>Stops the server at once (fast shutdown: open sessions are cut, as when a database host goes away).</summary>
    public Task StopAsync() => AsPostgresAsync($"{bin}/pg_ctl -D {directory}/data -m fast -w stop");

    private Task AsPostgresAsync(string command) => RunAsync("su", "postgres", "-s", "/bin/sh", "-c", command);

    private static async Task RunAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        try { await StopAsync(); } catch (InvalidOperationException) { }
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}
