using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ImaginAI.Tests.Support;

/// <summary>
/// A redis-server of the test's own (Debian's package, as .ci/run installs it) on a free loopback port, in a temp
/// directory, without persistence: for tests that stop Redis and start it again on the same port.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "imaginai-tests", "redis-" + Guid.NewGuid().ToString("N"));
    private Process? process;

    public RedisServer()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port},connectTimeout=2000";

    public async Task StartAsync()
    {
        Directory.CreateDirectory(directory);
        process = Process.Start(new ProcessStartInfo("redis-server",
            ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", directory, "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start (apt-get install redis-server)");
        process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>SIGKILL: Redis goes away as in a crash or a network cut, without a goodbye to its clients.</summary>
    public void Stop()
    {
        if (process is not { HasExited: false } running) return;
        running.Kill();
        running.WaitForExit();
        process.Dispose();
        process = null;
    }

    public void Dispose()
    {
        Stop();
        try { Directory.Delete(directory, recursive: true); }
        catch (IOException) { }
    }
}
