using System.Globalization;
using System.Security.Claims;
using ImaginAI.Tracker.Accounts;

namespace ImaginAI.Tracker.Security;

/// <summary>
/// Whether a sign-in still stands, read from the database now rather than from the claims it was issued with:
/// the account exists, its security stamp is unchanged (no password change, role change or reset since), and the
/// API token or browser session it came through is still open. Cookies are checked with it on every request, hub
/// connections on every call and on a timer, so a sign-in that ends ends everywhere.
/// </summary>
public sealed class SignInCheck(UserRepository users, ApiTokenRepository tokens, BrowserSessions sessions)
{
    /// <summary>The API token a bearer sign-in came through (its id).</summary>
    public const string TokenClaim = "imaginai:token";

    /// <summary>The account as stored now, or null when the principal's sign-in no longer stands.</summary>
    public async Task<User?> GetStandingUserAsync(ClaimsPrincipal? principal)
    {
        if (principal?.TryGetUserId() is not { } userId) return null;
        var user = await users.GetByIdAsync(userId);
        if (user is null || user.SecurityStamp != principal.FindFirstValue(ClaimsPrincipalExtensions.SecurityStampClaim)) return null;
        var tokenId = principal.FindFirstValue(TokenClaim);
        var session = principal.FindFirstValue(BrowserSessions.SessionClaim);
        // Every sign-in comes through exactly one of the two; one with neither was not issued by this server's rules.
        if (tokenId is not null)
            return long.TryParse(tokenId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && await tokens.IsActiveAsync(id, userId)
                ? user : null;
        return session is not null && await sessions.IsOpenAsync(session) ? user : null;
    }
}
