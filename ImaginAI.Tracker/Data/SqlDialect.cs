using System.Data;
using System.Data.Common;

namespace ImaginAI.Tracker.Data;

/// <summary>
/// The few places where SQLite and PostgreSQL need different SQL, named so a repository's statement reads the same
/// on both and the difference stays in one file. Everything else (ON CONFLICT, RETURNING, COALESCE, times as
/// fixed-width UTC text, booleans as 0/1) is written once.
/// </summary>
public sealed class SqlDialect
{
    private readonly bool postgres;

    private SqlDialect(bool postgres) => this.postgres = postgres;

    public static readonly SqlDialect Sqlite = new(false), Postgres = new(true);

    /// <summary>The dialect of an open connection, for code handed a transaction rather than the database.</summary>
    public static SqlDialect Of(IDbConnection connection) => connection is Npgsql.NpgsqlConnection ? Postgres : Sqlite;

    public bool IsPostgres => postgres;

    /// <summary>
    /// "is one of a list of ids": Dapper expands <c>IN @ids</c> for SQLite, while for PostgreSQL it passes the list
    /// as one array parameter. Pass the ids as an array.
    /// </summary>
    public string InList(string parameter) => postgres ? $"= ANY({parameter})" : $"IN {parameter}";

    /// <summary>
    /// Ends the SELECT that picks photos to claim: PostgreSQL locks the rows it picks and skips rows another node is
    /// claiming at that moment; SQLite has one writer at a time, so the conditional update alone is enough.
    /// </summary>
    public string SkipLocked => postgres ? "FOR UPDATE SKIP LOCKED" : "";

    /// <summary>
    /// The newest change of the embeddings (a high-water mark). SQLite keeps the AUTOINCREMENT counter; PostgreSQL's
    /// sequence runs ahead of what is committed, so it takes the newest change visible (changes commit in order:
    /// see the trigger in db/postgres/0100), or the newest one already folded into a saved index file.
    /// </summary>
    public string NewestEmbeddingChange => postgres
        ? "GREATEST(COALESCE((SELECT MAX(seq) FROM embedding_changes), 0), COALESCE((SELECT MAX(stamp) FROM vector_index_files), 0))"
        : "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'embedding_changes'), 0)";

    /// <summary>A read-only transaction in which several statements see one state of the database.</summary>
    public DbTransaction BeginSnapshot(DbConnection connection) => postgres
        ? connection.BeginTransaction(IsolationLevel.RepeatableRead)
        : ((Microsoft.Data.Sqlite.SqliteConnection)connection).BeginTransaction(deferred: true);
}
