using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ImaginAI.Tracker.Data;

/// <summary>
/// Opens connections to the tracker's database: the SQLite file in the data directory (each connection with foreign
/// keys and a busy timeout) or PostgreSQL (Database:Provider). Repositories run the same SQL on both; where the
/// dialects differ, <see cref="Sql"/> holds the difference.
/// </summary>
public sealed class TrackerDb : IDisposable
{
    private readonly string connectionString;
    private readonly NpgsqlDataSource? postgres;

    public TrackerDb(IOptions<StorageOptions> storage, IOptions<DatabaseOptions>? database = null)
    {
        Options = database?.Value ?? new DatabaseOptions();
        Sql = Options.IsPostgres ? SqlDialect.Postgres : SqlDialect.Sqlite;
        NodeId = string.IsNullOrWhiteSpace(Options.NodeId)
            ? $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}"
            : Options.NodeId.Trim();
        if (Options.IsPostgres)
        {
            connectionString = Options.PostgresConnectionString!;
            postgres = NpgsqlDataSource.Create(connectionString);
            return;
        }
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = storage.Value.DatabasePath,
            ForeignKeys = true,
            Pooling = true,
            // Microsoft.Data.Sqlite retries SQLITE_BUSY until the command timeout; the background jobs and uploads
            // write concurrently, so give them time rather than failing.
            DefaultTimeout = 30,
        }.ToString();
    }

    private const string SqlitePragmas = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;";

    public DatabaseOptions Options { get; }

    /// <summary>Where SQLite and PostgreSQL differ.</summary>
    public SqlDialect Sql { get; }

    public bool IsPostgres => postgres is not null;

    /// <summary>This process's name in work claims (photos it is embedding or matching).</summary>
    public string NodeId { get; }

    /// <summary>How long a claim on photos lasts before another node may take them over.</summary>
    public TimeSpan Lease => TimeSpan.FromSeconds(Options.LeaseSeconds);

    public string ConnectionString => connectionString;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (postgres is not null) return await postgres.OpenConnectionAsync(cancellationToken);
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        using var pragma = connection.CreateCommand();
        pragma.CommandText = SqlitePragmas;
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>The same connection, opened synchronously, for code that cannot await (the similarity index).</summary>
    public DbConnection Open()
    {
        var connection = OpenForReading();
        if (postgres is not null) return connection;
        using var pragma = connection.CreateCommand();
        pragma.CommandText = SqlitePragmas;
        pragma.ExecuteNonQuery();
        return connection;
    }

    /// <summary>
    /// A connection for reads only, without the pragmas (in WAL mode readers never wait for writers): the similarity
    /// index's exact re-rank opens one per search, where the pragmas cost more than the read.
    /// </summary>
    public DbConnection OpenForReading()
    {
        if (postgres is not null) return postgres.OpenConnection();
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>
    /// Runs writes that belong together (one user action) in one transaction: all of them commit, or none. Repository
    /// methods that take part accept the transaction and run on its connection (<see cref="UseAsync{T}"/>).
    /// </summary>
    public async Task<T> InTransactionAsync<T>(Func<IDbTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// Runs writes that belong together on the caller's transaction when there is one (they then commit with it),
    /// else in a transaction of their own.
    /// </summary>
    public Task<T> InTransactionAsync<T>(IDbTransaction? outer, Func<IDbTransaction, Task<T>> work) =>
        outer is not null ? work(outer) : InTransactionAsync(work);

    /// <summary>Runs on the caller's transaction when there is one, else on a connection of its own.</summary>
    public async Task<T> UseAsync<T>(IDbTransaction? transaction, Func<IDbConnection, IDbTransaction?, Task<T>> work)
    {
        if (transaction is not null) return await work(transaction.Connection!, transaction);
        await using var connection = await OpenAsync();
        return await work(connection, null);
    }

    /// <summary>
    /// A time as stored: fixed-width UTC ISO-8601 text with milliseconds, so times sort and compare as text (on
    /// both providers). Dapper writes DateTimeOffset parameters its own way (ignoring type handlers), so parameters
    /// go through this.
    /// </summary>
    public static string Utc(DateTimeOffset time) => SqliteTypeHandlers.Format(time);

    /// <summary>True for the error of a UNIQUE index (either provider), which settles concurrent inserts of the same row.</summary>
    public static bool IsUniqueViolation(Exception exception) => exception switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode == 2067,
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    public void Dispose() => postgres?.Dispose();
}
