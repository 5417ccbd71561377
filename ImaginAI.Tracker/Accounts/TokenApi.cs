using ImaginAI.Tracker.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ImaginAI.Tracker.Accounts;

public sealed record TokenRequest(string? Email, string? Password, string? Name);

public sealed record TokenResponse(string Token);

/// <summary>POST /api/auth/token: email and password in, a bearer token out, for scripts and the phone app.</summary>
public static class TokenApi
{
    public static void MapTokenApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/auth/token", CreateTokenAsync)
            .AllowAnonymous()
            .RequireRateLimiting(SignInRateLimit.Policy)
            .WithName("CreateApiToken")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> CreateTokenAsync([FromBody] TokenRequest? request, AccountService accounts, AuditLog audit)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.Email) || string.IsNullOrEmpty(request.Password))
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Email and password needed",
                detail: "Send JSON like {\"email\": \"you@example.com\", \"password\": \"...\"}.");
        var result = await accounts.CheckPasswordAsync(request.Email, request.Password);
        switch (result.Outcome)
        {
            case SignInOutcome.Succeeded:
                var (_, plain) = await accounts.CreateTokenAsync(result.User!, request.Name ?? "API token (POST /api/auth/token)");
                await audit.WriteAsync(AuditActions.SignIn, subject: result.User!.Email, detail: "token request",
                    actorId: result.User.Id, actorEmail: result.User.Email);
                return TypedResults.Ok(new TokenResponse(plain));
            default:
                // A locked account answers exactly like an unknown email or a wrong password: nothing here tells who has an account.
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Wrong email or password",
                    detail: RefusedMessage(accounts.Options));
        }
    }

    /// <summary>The one answer to every refused sign-in, whatever the reason: it names the lock-out without saying whether it applies.</summary>
    internal static string RefusedMessage(AccountOptions options) =>
        $"The email or the password is wrong, or the account is locked after {options.MaxFailedSignIns} wrong passwords in a row " +
        $"(it unlocks after {options.LockoutMinutes} minutes, or when an admin sets a new password).";
}
