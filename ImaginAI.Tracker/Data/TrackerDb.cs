using System.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Data;

/// <summary>Opens connections to the tracker's SQLite file, each with foreign keys and a busy timeout.</summary>
public sealed class TrackerDb(IOptions<StorageOptions> storage)
{
    private readonly string connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = storage.Value.DatabasePath,
        ForeignKeys = true,
        Pooling = true,
        // Microsoft.Data.Sqlite retries SQLITE_BUSY until the command timeout; the background jobs and uploads
        // write concurrently, so give them time rather than failing.
        DefaultTimeout = 30,
    }.ToString();

    private const string ConnectionPragmas = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;";

    public string ConnectionString => connectionString;

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        using var pragma = connection.CreateCommand();
        pragma.CommandText = ConnectionPragmas;
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>The same connection, opened synchronously, for code that cannot await (the similarity index).</summary>
    public SqliteConnection Open()
    {
        var connection = OpenForReading();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = ConnectionPragmas;
        pragma.ExecuteNonQuery();
        return connection;
    }

    /// <summary>
    /// A connection for reads only, without the pragmas (in WAL mode readers never wait for writers): the similarity
    /// index's exact re-rank opens one per search, where the pragmas cost more than the read.
    /// </summary>
    public SqliteConnection OpenForReading()
    {
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
    /// A time as stored: fixed-width UTC ISO-8601 text with milliseconds, so times sort and compare as text.
    /// Dapper writes DateTimeOffset parameters its own way (ignoring type handlers), so parameters go through this.
    /// </summary>
    public static string Utc(DateTimeOffset time) => SqliteTypeHandlers.Format(time);

    /// <summary>True for the SQLite error of a UNIQUE index, which settles concurrent inserts of the same row.</summary>
    public static bool IsUniqueViolation(SqliteException exception) =>
        exception.SqliteErrorCode == 19 && exception.SqliteExtendedErrorCode == 2067;
}
