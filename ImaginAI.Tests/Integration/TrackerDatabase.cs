using System.Data.Common;
using Dapper;
using ImaginAI.Tests.Support;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ImaginAI.Tests.Integration;

/// <summary>
/// Reads the app's database directly, to check what was (and was not) stored: the SQLite file, or under PostgreSQL
/// (<see cref="TestDatabase"/>) the app's database, named by its connection string. SQL given here must run on both.
/// </summary>
public static class TrackerDatabase
{
    /// <summary>A connection to the app's database (<c>app.DatabasePath</c>), not yet open.</summary>
    public static DbConnection Connect(string database, bool readOnly = false) => IsConnectionString(database)
        ? new NpgsqlConnection(database)
        : new SqliteConnection($"Data Source={database};{(readOnly ? "Mode=ReadOnly;" : "")}Pooling=False");

    private static bool IsConnectionString(string database) => database.Contains("Host=", StringComparison.OrdinalIgnoreCase);

    public static async Task<T> ScalarAsync<T>(string database, string sql, object? parameters = null)
    {
        await using var connection = Connect(database, readOnly: true);
        return await connection.ExecuteScalarAsync<T>(sql, parameters) ?? throw new InvalidOperationException("No value: " + sql);
    }

    public static async Task<IReadOnlyList<T>> QueryAsync<T>(string database, string sql, object? parameters = null)
    {
        await using var connection = Connect(database, readOnly: true);
        return (await connection.QueryAsync<T>(sql, parameters)).AsList();
    }

    /// <summary>Changes the data as an older version or the passing of time would have left it (tests of upgrades and expiry).</summary>
    public static async Task ExecuteAsync(string database, string sql, object? parameters = null)
    {
        await using var connection = Connect(database);
        await connection.ExecuteAsync(sql, parameters);
    }

    /// <summary>Every photo file stored under photos/ (content-addressed).</summary>
    public static IReadOnlyList<string> StoredFiles(string photosDirectory) =>
        Directory.Exists(photosDirectory) ? Directory.GetFiles(photosDirectory, "*", SearchOption.AllDirectories) : [];
}
