using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace ImaginAI.Tests.Support;

/// <summary>
/// The provider the suite runs on: SQLite files by default, or PostgreSQL with IMAGINAI_TEST_PROVIDER=postgres and the
/// server in IMAGINAI_TEST_POSTGRES (.ci/run runs the suite both ways). Under PostgreSQL each data directory gets a
/// database of its own, named after the directory, so an app restarted on the same directory finds its data again.
/// </summary>
public static class TestDatabase
{
    public static bool IsPostgres =>
        string.Equals(Environment.GetEnvironmentVariable("IMAGINAI_TEST_PROVIDER"), "postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>The PostgreSQL server the tests may create databases on (IMAGINAI_TEST_POSTGRES).</summary>
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("IMAGINAI_TEST_POSTGRES") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("IMAGINAI_TEST_POSTGRES must name a PostgreSQL server (.ci/run starts one).");

    /// <summary>
    /// The PostgreSQL server for a test that needs one whatever the suite's provider, or null on a developer's machine
    /// without one (CI always names it, and there a missing server fails the test rather than passing it unseen).
    /// </summary>
    public static string? ServerOrNull()
    {
        if (Environment.GetEnvironmentVariable("IMAGINAI_TEST_POSTGRES") is { Length: > 0 } value) return value;
        Assert.NotEqual("true", Environment.GetEnvironmentVariable("CI"));
        return null;
    }

    /// <summary>The settings that put an app on the data directory's database (none under SQLite: the file is in the directory).</summary>
    public static Dictionary<string, string?> Settings(string dataDirectory) => IsPostgres
        ? new()
        {
            ["Database:Provider"] = "postgres",
            ["ConnectionStrings:Postgres"] = CreateFor(dataDirectory),
            // The same node after a restart on the directory, so it takes back what its earlier self had claimed.
            ["Database:NodeId"] = NameFor(dataDirectory),
        }
        : [];

    /// <summary>Where a test reads the app's data: the SQLite file, or the connection string of its PostgreSQL database.</summary>
    public static string Locate(string dataDirectory) =>
        IsPostgres ? ConnectionStringFor(dataDirectory) : Path.Combine(dataDirectory, "tracker.db");

    public static string NameFor(string dataDirectory) =>
        "imaginai_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dataDirectory))))[..24];

    public static string ConnectionStringFor(string dataDirectory) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = NameFor(dataDirectory), Pooling = true, Timeout = 30 }.ToString();

    /// <summary>The server's own connection, with room for a busy machine (the suite's apps load both cores).</summary>
    private static string Admin => new NpgsqlConnectionStringBuilder(ServerConnectionString) { Timeout = 30 }.ToString();

    /// <summary>Creates the directory's database unless it exists, and returns its connection string.</summary>
    public static string CreateFor(string dataDirectory)
    {
        var name = NameFor(dataDirectory);
        using var connection = new NpgsqlConnection(Admin);
        connection.Open();
        using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", name);
        if (exists.ExecuteScalar() is null)
        {
            using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            try { create.ExecuteNonQuery(); }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase) { }
        }
        return ConnectionStringFor(dataDirectory);
    }

    /// <summary>Drops the directory's database (after its app has stopped).</summary>
    public static void DropFor(string dataDirectory, bool always = false)
    {
        if (!IsPostgres && !always) return;
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(Admin);
        connection.Open();
        using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {NameFor(dataDirectory)} WITH (FORCE)", connection);
        drop.ExecuteNonQuery();
    }
}
