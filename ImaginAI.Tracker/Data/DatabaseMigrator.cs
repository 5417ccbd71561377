using DbUp;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Data;

/// <summary>
/// Prepares the data directory and applies the numbered migrations in db/ (journalled by DbUp) before anything
/// else starts, so the web app and the jobs always see the current schema.
/// </summary>
public sealed class DatabaseMigrator(TrackerDb db, WorkClaims claims, IOptions<StorageOptions> storage, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public static string MigrationsPath => Path.Combine(AppContext.BaseDirectory, "db");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = storage.Value;
        Directory.CreateDirectory(options.DataPath);
        Directory.CreateDirectory(options.PhotosPath);
        Directory.CreateDirectory(options.ThumbnailsPath);
        // Left-overs of uploads interrupted by a crash: nothing refers to them (other nodes' uploads in flight stay).
        Directory.CreateDirectory(options.TempPath);
        LeftoverFiles.Clear(options.TempPath, LeftoverFiles.MinimumAge(db), LeftoverFiles.Tag(db));

        await MigrateAsync(db, logger, cancellationToken);
        await claims.ReleaseLeftoversAsync(cancellationToken);
        logger.LogInformation("Data directory {DataDirectory}; database schema up to date ({Provider})", options.DataPath, db.Options.Provider);
    }

    /// <summary>Applies the provider's numbered scripts not yet in its journal (db/ for SQLite, db/postgres/ for PostgreSQL).</summary>
    public static async Task MigrateAsync(TrackerDb db, ILogger logger, CancellationToken cancellationToken = default)
    {
        if (!db.IsPostgres)
        {
            await using (var connection = await db.OpenAsync(cancellationToken))
            await using (var wal = connection.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode = WAL;";
                await wal.ExecuteNonQueryAsync(cancellationToken);
            }
            Check(DeployChanges.To
                .SqliteDatabase(db.ConnectionString)
                .WithScriptsFromFileSystem(MigrationsPath)
                .JournalToSqliteTable("schema_versions")
                .WithTransactionPerScript()
                .LogTo(new DbUpLogger(logger))
                .Build()
                .PerformUpgrade());
            return;
        }
        // Nodes starting together would each run the same script: one migrates while the others wait on this lock
        // (held by a connection of its own, for the session), then find nothing left to do.
        await using var guard = await db.OpenAsync(cancellationToken);
        await using (var lockCommand = guard.CreateCommand())
        {
            lockCommand.CommandText = "SELECT pg_advisory_lock(7242400100)";
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }
        Check(DeployChanges.To
            .PostgresqlDatabase(db.ConnectionString)
            .WithScriptsFromFileSystem(PostgresMigrationsPath)
            .JournalToPostgresqlTable("public", "schema_versions")
            .WithTransactionPerScript()
            .LogTo(new DbUpLogger(logger))
            .Build()
            .PerformUpgrade());
    }

    public static string PostgresMigrationsPath => Path.Combine(MigrationsPath, "postgres");

    private static void Check(DbUp.Engine.DatabaseUpgradeResult upgrade)
    {
        if (!upgrade.Successful)
            throw new InvalidOperationException($"The database could not be migrated ({upgrade.ErrorScript?.Name}): {upgrade.Error.Message}", upgrade.Error);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private sealed class DbUpLogger(ILogger logger) : DbUp.Engine.Output.IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => logger.LogTrace(format, args);
        public void LogDebug(string format, params object[] args) => logger.LogDebug(format, args);
        public void LogInformation(string format, params object[] args) => logger.LogDebug(format, args);
        public void LogWarning(string format, params object[] args) => logger.LogWarning(format, args);
        public void LogError(string format, params object[] args) => logger.LogError(format, args);
        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, format, args);
    }
}
