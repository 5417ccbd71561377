using Dapper;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tests.Integration.Data;

/// <summary>
/// Both providers' migrations (db/ for SQLite, db/postgres/ for PostgreSQL), applied by the app's own migrator to a
/// new database each, give the same tables with the same columns, so every repository's SQL finds on PostgreSQL what
/// it finds on SQLite. Runs once, in the SQLite pass of .ci/run: it makes both databases itself.
/// </summary>
[Trait("Database", "own")]
public sealed class SchemaParityTests
{
    [Fact]
    public void Migrations_EverySqliteScript_HasAPostgresTwinOfTheSameName()
    {
        var sqlite = Directory.GetFiles(DatabaseMigrator.MigrationsPath, "*.sql").Select(Path.GetFileName).Order().ToList();
        var postgres = Directory.GetFiles(DatabaseMigrator.PostgresMigrationsPath, "*.sql").Select(Path.GetFileName)
            .Where(name => !name!.Contains("quartz", StringComparison.Ordinal)).Order().ToList();
        Assert.NotEmpty(sqlite);
        Assert.Equal(sqlite, postgres);
    }

    [Fact]
    public async Task Migrate_BothProviders_SameTablesAndColumns()
    {
        if (TestDatabase.ServerOrNull() is null) return;
        var directory = Path.Combine(Path.GetTempPath(), "imaginai-tests", "schema-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var storage = Options.Create(new StorageOptions { DataDirectory = directory });
            using var sqliteDb = new TrackerDb(storage);
            await DatabaseMigrator.MigrateAsync(sqliteDb, NullLogger.Instance);
            using var postgresDb = new TrackerDb(storage, Options.Create(new DatabaseOptions
            {
                Provider = DatabaseOptions.Postgres, PostgresConnectionString = TestDatabase.CreateFor(directory),
            }));
            await DatabaseMigrator.MigrateAsync(postgresDb, NullLogger.Instance);

            Dictionary<string, string> sqliteColumns, postgresColumns;
            await using (var connection = await sqliteDb.OpenAsync())
                sqliteColumns = (await connection.QueryAsync<(string Table, string Column)>("""
                    SELECT t.name, c.name FROM sqlite_master t JOIN pragma_table_info(t.name) c
                    WHERE t.type = 'table' AND t.name NOT LIKE 'sqlite_%' AND t.name <> 'schema_versions'
                    """)).ToDictionary(c => $"{c.Table}.{c.Column}", c => c.Table);
            await using (var connection = await postgresDb.OpenAsync())
                postgresColumns = (await connection.QueryAsync<(string Table, string Column)>("""
                    SELECT table_name, column_name FROM information_schema.columns
                    WHERE table_schema = 'public' AND table_name <> 'schema_versions' AND table_name NOT LIKE 'qrtz_%'
                    """)).ToDictionary(c => $"{c.Table}.{c.Column}", c => c.Table);

            Assert.Contains("photos.claimed_by", sqliteColumns.Keys);
            Assert.Equal(sqliteColumns.Values.Distinct().Order(), postgresColumns.Values.Distinct().Order());
            Assert.Equal(sqliteColumns.Keys.Order(), postgresColumns.Keys.Order());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            TestDatabase.DropFor(directory, always: true);
            Directory.Delete(directory, recursive: true);
        }
    }
}
