using Dapper;
using Microsoft.Data.Sqlite;

namespace ImaginAI.Tests.Integration;

/// <summary>Reads the app's SQLite file directly, to check what was (and was not) stored.</summary>
public static class TrackerDatabase
{
    public static async Task<T> ScalarAsync<T>(string databasePath, string sql, object? parameters = null)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        return await connection.ExecuteScalarAsync<T>(sql, parameters) ?? throw new InvalidOperationException("No value: " + sql);
    }

    public static async Task<IReadOnlyList<T>> QueryAsync<T>(string databasePath, string sql, object? parameters = null)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        return (await connection.QueryAsync<T>(sql, parameters)).AsList();
    }

    /// <summary>Changes the file as an older version or the passing of time would have left it (tests of upgrades and expiry).</summary>
    public static async Task ExecuteAsync(string databasePath, string sql, object? parameters = null)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        await connection.ExecuteAsync(sql, parameters);
    }

    /// <summary>Every photo file stored under photos/ (content-addressed).</summary>
    public static IReadOnlyList<string> StoredFiles(string photosDirectory) =>
        Directory.Exists(photosDirectory) ? Directory.GetFiles(photosDirectory, "*", SearchOption.AllDirectories) : [];
}
