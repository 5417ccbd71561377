using DbUp;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Data;

/// <summary>
/// Prepares the data directory and applies the numbered migrations in db/ (journalled by DbUp) before anything
/// else starts, so the web app and the jobs always see the current schema.
/// </summary>
public sealed class DatabaseMigrator(TrackerDb db, IOptions<StorageOptions> storage, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public static string MigrationsPath => Path.Combine(AppContext.BaseDirectory, "db");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = storage.Value;
        Directory.CreateDirectory(options.DataPath);
        Directory.CreateDirectory(options.PhotosPath);
        Directory.CreateDirectory(options.ThumbnailsPath);
        // Left-overs of uploads interrupted by a crash: nothing refers to them.
        if (Directory.Exists(options.TempPath)) Directory.Delete(options.TempPath, recursive: true);
        Directory.CreateDirectory(options.TempPath);

        await using (var connection = await db.OpenAsync(cancellationToken))
        await using (var wal = new SqliteCommand("PRAGMA journal_mode = WAL;", connection))
            await wal.ExecuteNonQueryAsync(cancellationToken);

        var upgrade = DeployChanges.To
            .SqliteDatabase(db.ConnectionString)
            .WithScriptsFromFileSystem(MigrationsPath)
            .JournalToSqliteTable("schema_versions")
            .WithTransactionPerScript()
            .LogTo(new DbUpLogger(logger))
            .Build()
            .PerformUpgrade();
        if (!upgrade.Successful)
            throw new InvalidOperationException($"The database at {options.DatabasePath} could not be migrated: {upgrade.Error.Message}", upgrade.Error);
        logger.LogInformation("Data directory {DataDirectory}; database schema up to date", options.DataPath);
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
