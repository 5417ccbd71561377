using System.Data;
using Dapper;
using ImaginAI.Tracker.Data;

namespace ImaginAI.Tracker.Accounts;

public sealed class ApiTokenRepository(TrackerDb db)
{
    private const string TokenColumns = """
        id AS Id, user_id AS UserId, name AS Name, token_prefix AS TokenPrefix, created_at AS CreatedAt,
        last_used_at AS LastUsedAt, revoked_at AS RevokedAt
        """;

    public Task<long> CreateAsync(long userId, string name, string tokenHash, string tokenPrefix, IDbTransaction? transaction = null) =>
        db.UseAsync(transaction, (connection, transaction) => connection.ExecuteScalarAsync<long>("""
            INSERT INTO api_tokens (user_id, name, token_hash, token_prefix, created_at)
            VALUES (@userId, @name, @tokenHash, @tokenPrefix, @now)
            RETURNING id
            """, new { userId, name, tokenHash, tokenPrefix, now = DateTimeOffset.UtcNow }, transaction));

    public async Task<IReadOnlyList<ApiToken>> GetManyByUserIdAsync(long userId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<ApiToken>($"""
            SELECT {TokenColumns} FROM api_tokens WHERE user_id = @userId
            ORDER BY revoked_at IS NOT NULL, created_at DESC
            """, new { userId })).AsList();
    }

    /// <summary>The live (not revoked) token with this hash, or null.</summary>
    public async Task<ApiToken?> GetActiveByHashAsync(string tokenHash)
    {
        await using var connection = await db.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<ApiToken>($"""
            SELECT {TokenColumns} FROM api_tokens WHERE token_hash = @tokenHash AND revoked_at IS NULL
            """, new { tokenHash });
    }

    /// <summary>Whether the user's token with this id still works (exists, theirs, not revoked).</summary>
    public async Task<bool> IsActiveAsync(long id, long userId)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<bool>("""
            SELECT EXISTS (SELECT 1 FROM api_tokens WHERE id = @id AND user_id = @userId AND revoked_at IS NULL)
            """, new { id, userId });
    }

    public async Task MarkUsedAsync(long id, DateTimeOffset at)
    {
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync("""
            UPDATE api_tokens SET last_used_at = @at WHERE id = @id
            """, new { id, at });
    }

    /// <summary>Revokes one of the user's own tokens; false when it is not theirs or already revoked.</summary>
    public async Task<bool> RevokeAsync(long id, long userId, IDbTransaction? transaction = null) =>
        await db.UseAsync(transaction, (connection, transaction) => connection.ExecuteAsync("""
            UPDATE api_tokens SET revoked_at = @now WHERE id = @id AND user_id = @userId AND revoked_at IS NULL
            """, new { id, userId, now = DateTimeOffset.UtcNow }, transaction)) > 0;
}
