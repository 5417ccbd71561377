using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using ImaginAI.Tracker.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace ImaginAI.Tracker.Security;

/// <summary>
/// Keeps browser sign-ins in the database (the cookie handler's <see cref="ITicketStore"/>): the cookie holds only a
/// random key, so sign-out, which deletes the row, ends the session for every copy of the cookie.
/// </summary>
public sealed class ServerSessionStore(TrackerDb db, TimeProvider clock) : ITicketStore
{
    /// <summary>The SHA-256 of the session's key, carried in the stored sign-in so a hub connection knows its session.</summary>
    public const string SessionClaim = "imaginai:session";

    // A sign-in without an expiry (none is issued so) still must not live for ever.
    private static readonly TimeSpan FallbackLifetime = TimeSpan.FromHours(12);

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var keyHash = Hash(key);
        if (ticket.Principal.Identity is ClaimsIdentity identity)
        {
            foreach (var stale in identity.FindAll(SessionClaim).ToList()) identity.RemoveClaim(stale);
            identity.AddClaim(new Claim(SessionClaim, keyHash));
        }
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync();
        // Expired sessions go as new ones come: the table holds roughly the live sessions.
        await connection.ExecuteAsync("""
            DELETE FROM auth_sessions WHERE expires_at < @now;
            INSERT INTO auth_sessions (key_hash, user_id, ticket, created_at, expires_at)
            VALUES (@keyHash, @userId, @ticket, @now, @expiresAt)
            """, new
        {
            keyHash, userId = ticket.Principal.GetUserId(), ticket = TicketSerializer.Default.Serialize(ticket),
            now = TrackerDb.Utc(now), expiresAt = TrackerDb.Utc(ExpiryOf(ticket, now)),
        });
        return key;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        await using var connection = await db.OpenAsync();
        // Only a session that still exists is renewed: a sign-out racing a sliding renewal stays signed out.
        await connection.ExecuteAsync("""
            UPDATE auth_sessions SET ticket = @ticket, expires_at = @expiresAt WHERE key_hash = @keyHash
            """, new
        {
            keyHash = Hash(key), ticket = TicketSerializer.Default.Serialize(ticket),
            expiresAt = TrackerDb.Utc(ExpiryOf(ticket, clock.GetUtcNow())),
        });
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        await using var connection = await db.OpenAsync();
        var bytes = await connection.ExecuteScalarAsync<byte[]?>("""
            SELECT ticket FROM auth_sessions WHERE key_hash = @keyHash AND expires_at > @now
            """, new { keyHash = Hash(key), now = TrackerDb.Utc(clock.GetUtcNow()) });
        return bytes is null ? null : TicketSerializer.Default.Deserialize(bytes);
    }

    public async Task RemoveAsync(string key)
    {
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync("DELETE FROM auth_sessions WHERE key_hash = @keyHash", new { keyHash = Hash(key) });
    }

    /// <summary>Whether the session a signed-in principal came from is still open (not signed out, not expired).</summary>
    public async Task<bool> IsOpenAsync(string keyHash)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<bool>("""
            SELECT EXISTS (SELECT 1 FROM auth_sessions WHERE key_hash = @keyHash AND expires_at > @now)
            """, new { keyHash, now = TrackerDb.Utc(clock.GetUtcNow()) });
    }

    private static DateTimeOffset ExpiryOf(AuthenticationTicket ticket, DateTimeOffset now) =>
        ticket.Properties.ExpiresUtc ?? now + FallbackLifetime;

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
