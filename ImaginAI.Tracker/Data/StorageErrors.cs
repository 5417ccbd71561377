using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ImaginAI.Tracker.Data;

/// <summary>Recognises the storage's own failures (a full disk, a busy database) among exceptions, so callers can answer them in words.</summary>
public static class StorageErrors
{
    private const int SqliteBusy = 5, SqliteLocked = 6, SqliteFull = 13;
    private const int LinuxNoSpace = 28, WindowsHandleDiskFull = 0x27, WindowsDiskFull = 0x70;

    /// <summary>No room left: ENOSPC from the file system (IOException.HResult is the errno on Unix) or SQLITE_FULL.</summary>
    public static bool IsDiskFull(Exception exception) => exception switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == SqliteFull,
        IOException io when io.HResult == LinuxNoSpace || (io.HResult & 0xFFFF) is WindowsHandleDiskFull or WindowsDiskFull => true,
        _ => exception.InnerException is { } inner && IsDiskFull(inner),
    };

    /// <summary>SQLITE_BUSY or SQLITE_LOCKED that outlasted the busy timeout.</summary>
    public static bool IsDatabaseBusy(Exception exception) => exception switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode is SqliteBusy or SqliteLocked,
        // A serialization failure or deadlock between PostgreSQL transactions: retrying the request succeeds.
        PostgresException pg => pg.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected,
        _ => exception.InnerException is { } inner && IsDatabaseBusy(inner),
    };

    /// <summary>
    /// The PostgreSQL server cannot be reached or is shutting down or starting up (connection refused or lost,
    /// time-out, too many connections): nothing was stored, and the same request succeeds once it is back.
    /// </summary>
    public static bool IsDatabaseUnavailable(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.TooManyConnections,
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException,
        _ => exception.InnerException is { } inner && IsDatabaseUnavailable(inner),
    };
}
