using System.Data;
using Dapper;
using ImaginAI.Tracker.Data;

namespace ImaginAI.Tracker.Accounts;

public sealed class UserRepository(TrackerDb db, TimeProvider clock)
{
    private const string UserColumns = """
        id AS Id, email AS Email, password_hash AS PasswordHash, role AS Role, failed_sign_ins AS FailedSignIns,
        locked_until AS LockedUntil, security_stamp AS SecurityStamp, created_at AS CreatedAt
        """;

    public async Task<bool> AnyAsync()
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM users)");
    }

    public async Task<User?> GetByIdAsync(long id)
    {
        await using var connection = await db.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<User>($"""
            SELECT {UserColumns} FROM users WHERE id = @id
            """, new { id });
    }

    public async Task<User?> GetByEmailAsync(string email)
    {
        await using var connection = await db.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<User>($"""
            SELECT {UserColumns} FROM users WHERE email = @email
            """, new { email = email.Trim() });
    }

    public async Task<IReadOnlyList<User>> GetAllAsync()
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<User>($"""
            SELECT {UserColumns} FROM users ORDER BY email
            """)).AsList();
    }

    /// <summary>Creates the user; returns null when the email is taken.</summary>
    public Task<long?> CreateAsync(string email, string passwordHash, string role, IDbTransaction? transaction = null) =>
        db.UseAsync(transaction, (connection, transaction) => connection.ExecuteScalarAsync<long?>("""
            INSERT INTO users (email, password_hash, role, security_stamp, created_at)
            VALUES (@email, @passwordHash, @role, @stamp, @now)
            ON CONFLICT (email) DO NOTHING
            RETURNING id
            """, new { email = email.Trim(), passwordHash, role, stamp = NewStamp(), now = DateTimeOffset.UtcNow }, transaction));

    /// <summary>Creates the first user, only while there is none: two racing set-up forms cannot both win.</summary>
    public Task<long?> CreateFirstAsync(string email, string passwordHash, string role, IDbTransaction? transaction = null) =>
        db.UseAsync(transaction, (connection, transaction) => connection.ExecuteScalarAsync<long?>("""
            INSERT INTO users (email, password_hash, role, security_stamp, created_at)
            SELECT @email, @passwordHash, @role, @stamp, @now
            WHERE NOT EXISTS (SELECT 1 FROM users)
            RETURNING id
            """, new { email = email.Trim(), passwordHash, role, stamp = NewStamp(), now = DateTimeOffset.UtcNow }, transaction));

    public async Task RecordFailedSignInAsync(long id, int maxFailures, DateTimeOffset lockUntil)
    {
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync("""
            UPDATE users
            SET failed_sign_ins = failed_sign_ins + 1,
                locked_until = CASE WHEN failed_sign_ins + 1 >= @maxFailures THEN @lockUntil ELSE locked_until END
            WHERE id = @id
            """, new { id, maxFailures, lockUntil });
    }

    public async Task ResetFailedSignInsAsync(long id)
    {
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync("""
            UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = @id
            """, new { id });
    }

    /// <summary>
    /// Sets a new password and unlocks the account; in the same transaction ends every browser session and revokes
    /// every API token of the account: whoever held the old password may have made them. Returns how many tokens
    /// it revoked. Runs in the caller's transaction, which also holds its audit line.
    /// </summary>
    public async Task<int> UpdatePasswordAsync(long id, string passwordHash, IDbTransaction transaction)
    {
        var connection = transaction.Connection!;
        await connection.ExecuteAsync("""
            UPDATE users
            SET password_hash = @passwordHash, failed_sign_ins = 0, locked_until = NULL, security_stamp = @stamp
            WHERE id = @id;
            DELETE FROM browser_sessions WHERE user_id = @id;
            """, new { id, passwordHash, stamp = NewStamp() }, transaction);
        var revoked = await connection.ExecuteAsync("""
            UPDATE api_tokens SET revoked_at = @now WHERE user_id = @id AND revoked_at IS NULL
            """, new { id, now = TrackerDb.Utc(clock.GetUtcNow()) }, transaction);
        return revoked;
    }

    /// <summary>A rehash after verification (the hasher's work factor went up); keeps the user signed in.</summary>
    public async Task UpdatePasswordHashOnlyAsync(long id, string passwordHash)
    {
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync("""
            UPDATE users SET password_hash = @passwordHash WHERE id = @id
            """, new { id, passwordHash });
    }

    /// <summary>Runs in the caller's transaction, which also holds its audit line.</summary>
    public async Task UpdateRoleAsync(long id, string role, IDbTransaction transaction)
    {
        var connection = transaction.Connection!;
        await connection.ExecuteAsync("""
            UPDATE users SET role = @role, security_stamp = @stamp WHERE id = @id
            """, new { id, role, stamp = NewStamp() }, transaction);
        // A field worker keeps their projects but can no longer administer them.
        if (role == Roles.Field)
            await connection.ExecuteAsync("""
                UPDATE project_members SET role = 'field' WHERE user_id = @id
                """, new { id }, transaction);
    }

    public async Task<bool> DeleteAsync(long id, IDbTransaction? transaction = null) =>
        await db.UseAsync(transaction, (connection, transaction) =>
            connection.ExecuteAsync("DELETE FROM users WHERE id = @id", new { id }, transaction)) > 0;

    public async Task<int> CountAdminsAsync()
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM users WHERE role = 'admin'");
    }

    private static string NewStamp() => Guid.NewGuid().ToString("N");
}
