using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using ImaginAI.Tracker.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Security;

/// <summary>Signs in scripts and the mobile upload flow by "Authorization: Bearer &lt;token&gt;".</summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiTokenRepository tokens,
    UserRepository users,
    AuditLog audit)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    // Token use is audited at most once an hour per token, so a script uploading 500 photos leaves one line, not 500.
    private static readonly TimeSpan AuditEvery = TimeSpan.FromHours(1);
    private static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var plain = ReadToken(Context);
        if (plain is null) return AuthenticateResult.NoResult();
        var token = await tokens.GetActiveByHashAsync(AccountService.HashToken(plain));
        var user = token is null ? null : await users.GetByIdAsync(token.UserId);
        if (token is null || user is null) return AuthenticateResult.Fail("The API token is unknown or has been revoked.");

        var now = DateTimeOffset.UtcNow;
        if (token.LastUsedAt is not { } lastUsed || now - lastUsed > TouchEvery)
            await tokens.MarkUsedAsync(token.Id, now);
        if (token.LastUsedAt is not { } used || now - used > AuditEvery)
            await audit.WriteAsync(AuditActions.TokenUsed, subject: token.Name, detail: $"{Request.Method} {Request.Path}",
                actorId: user.Id, actorEmail: user.Email);

        var principal = ClaimsPrincipalExtensions.ForUser(user, Scheme.Name);
        // A hub connection outlives this request: the token it came through is re-checked on every call.
        ((ClaimsIdentity)principal.Identity!).AddClaim(
            new Claim(SignInCheck.TokenClaim, token.Id.ToString(CultureInfo.InvariantCulture)));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        await SecurityProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Sign-in required",
            "The API token is unknown or has been revoked. Create a new one on your account page or with POST /api/auth/token.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        SecurityProblems.WriteForbiddenAsync(Context);

    public static bool HasToken(HttpContext context) => ReadToken(context) is not null;

    private static string? ReadToken(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return header["Bearer ".Length..].Trim();
        // Browsers' WebSocket API cannot send headers, so SignalR clients pass the token in the query string.
        if (context.Request.Path.StartsWithSegments("/hubs") && context.Request.Query["access_token"].ToString() is { Length: > 0 } query)
            return query;
        return null;
    }
}
