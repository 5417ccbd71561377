using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using ImaginAI.Tracker.Data;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace ImaginAI.Tracker.Security;

/// <summary>
/// Browser sign-ins kept on the server: each sign-in cookie names a session row, which sign-out deletes. A cookie
/// alone proves nothing once its session has ended, so a copy taken before sign-out is refused.
/// Wired into the cookie handler's events, so every cookie sign-in, renewal and sign-out goes through it.
/// </summary>
public sealed class BrowserSessions(TrackerDb db, TimeProvider clock)
{
    /// <summary>The session a browser sign-in belongs to (a random id; the database keeps only its hash).</summary>
    public const string SessionClaim = "imaginai:session";

    // A sign-in always carries an expiry (the handler sets one); this is only the bound if it ever did not.
    private static readonly TimeSpan FallbackLifetime = TimeSpan.FromHours(12);

    /// <summary>Opens a session for the sign-in being issued and names it in the principal; ends the one it replaces.</summary>
    public async Task OnSigningInAsync(CookieSigningInContext context)
    {
        if (context.Principal?.Identity is not ClaimsIdentity identity || context.Principal.TryGetUserId() is not { } userId) return;
        if (context.HttpContext.User.FindFirstValue(SessionClaim) is { } previous) await EndAsync(previous);
        var id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        foreach (var stale in identity.FindAll(SessionClaim).ToList()) identity.RemoveClaim(stale);
        identity.AddClaim(new Claim(SessionClaim, id));
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync();
        // Expired sessions go as new ones come, so the table holds roughly the live ones.
        await connection.ExecuteAsync("""
            DELETE FROM browser_sessions WHERE expires_at < @now;
            INSERT INTO browser_sessions (id_hash, user_id, created_at, expires_at) VALUES (@idHash, @userId, @now, @expiresAt)
            """, new
        {
            idHash = Hash(id), userId, now = TrackerDb.Utc(now),
            expiresAt = TrackerDb.Utc(context.Properties.ExpiresUtc ?? now + FallbackLifetime),
        });
    }

    /// <summary>Moves the session's end with the cookie's when sliding expiration renews it.</summary>
    public async Task OnCheckSlidingExpirationAsync(CookieSlidingExpirationContext context)
    {
        if (!context.ShouldRenew || context.Principal?.FindFirstValue(SessionClaim) is not { } id) return;
        await using var connection = await db.OpenAsync();
        // Only a session that is still open: a sign-out racing a renewal stays signed out.
        await connection.ExecuteAsync("""
            UPDATE browser_sessions SET expires_at = @expiresAt WHERE id_hash = @idHash AND expires_at > @now
            """, new
        {
            idHash = Hash(id), now = TrackerDb.Utc(clock.GetUtcNow()),
            expiresAt = TrackerDb.Utc(clock.GetUtcNow() + context.ElapsedTime + context.RemainingTime),
        });
    }

    public async Task OnSigningOutAsync(CookieSigningOutContext context)
    {
        if (context.HttpContext.User.FindFirstValue(SessionClaim) is { } id) await EndAsync(id);
    }

    /// <summary>Whether the sign-in's session is still open: not signed out, not expired, its account not reset.</summary>
    public async Task<bool> IsOpenAsync(string id)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<bool>("""
            SELECT EXISTS (SELECT 1 FROM browser_sessions WHERE id_hash = @idHash AND expires_at > @now)
            """, new { idHash = Hash(id), now = TrackerDb.Utc(clock.GetUtcNow()) });
    }

    public async Task EndAsync(string id)
    {
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync("DELETE FROM browser_sessions WHERE id_hash = @idHash", new { idHash = Hash(id) });
    }

    private static string Hash(string id) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
}
