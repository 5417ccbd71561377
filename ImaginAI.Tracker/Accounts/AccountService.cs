using ImaginAI.Tracker.Data;
using System.Security.Cryptography;
using System.Text;
using ImaginAI.Tracker.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Accounts;

public enum SignInOutcome { Succeeded, WrongCredentials, LockedOut }

public sealed record SignInResult(SignInOutcome Outcome, User? User, DateTimeOffset? LockedUntil = null);

/// <summary>Creating users, checking passwords (with lock-out) and issuing API tokens.</summary>
public sealed class AccountService(
    UserRepository users,
    ApiTokenRepository tokens,
    AuditLog audit,
    TrackerDb db,
    IPasswordHasher<User> hasher,
    IOptions<AccountOptions> options)
{
    private const string TokenPrefix = "imt_";

    // Verified against when the email is unknown, so a wrong email takes as long as a wrong password.
    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<User>().HashPassword(new User(), "not-a-real-password"));

    public AccountOptions Options => options.Value;

    /// <summary>Why the email or password cannot be used, in plain words; null when they are fine.</summary>
    public string? Validate(string? email, string? password)
    {
        if (string.IsNullOrWhiteSpace(email) || !email.Contains('@') || email.Trim().Length > 254)
            return "Enter a valid email address, like name@example.com.";
        if (string.IsNullOrEmpty(password) || password.Length < Options.MinPasswordLength)
            return $"The password must be at least {Options.MinPasswordLength} characters long.";
        if (password.Length > 1024)
            return "The password is too long (more than 1024 characters).";
        return null;
    }

    /// <summary>Creates a user; throws <see cref="AccountException"/> with a plain message when it cannot.</summary>
    public async Task<User> CreateUserAsync(string email, string password, string role, bool onlyIfFirst = false)
    {
        if (Validate(email, password) is { } problem) throw new AccountException(problem);
        if (!Roles.IsValid(role)) throw new AccountException($"Unknown role \"{role}\": choose admin, manager or field.");
        var hash = hasher.HashPassword(new User { Email = email }, password);
        // The account and its audit line commit together: no account exists that the audit trail does not show.
        var id = await db.InTransactionAsync(async transaction =>
        {
            var created = onlyIfFirst
                ? await users.CreateFirstAsync(email, hash, role, transaction)
                : await users.CreateAsync(email, hash, role, transaction);
            if (created is not null)
                await audit.WriteAsync(AuditActions.UserCreated, subject: email.Trim(), detail: $"role {role}", transaction: transaction);
            return created;
        });
        if (id is null)
            throw new AccountException(onlyIfFirst
                ? "The first account has already been created. Sign in instead."
                : $"An account with the email {email.Trim()} already exists.");
        return (await users.GetByIdAsync(id.Value))!;
    }

    public async Task<SignInResult> CheckPasswordAsync(string? email, string? password)
    {
        var now = DateTimeOffset.UtcNow;
        var user = string.IsNullOrWhiteSpace(email) ? null : await users.GetByEmailAsync(email);
        if (user is null)
        {
            hasher.VerifyHashedPassword(new User(), DummyHash.Value, password ?? "");
            await audit.WriteAsync(AuditActions.SignInFailed, subject: email?.Trim(), detail: "unknown email");
            return new SignInResult(SignInOutcome.WrongCredentials, null);
        }
        if (user.IsLockedOut(now))
        {
            // The same work as an unknown email or a wrong password, so the time taken does not tell them apart.
            hasher.VerifyHashedPassword(user, user.PasswordHash, password ?? "");
            await audit.WriteAsync(AuditActions.SignInFailed, subject: user.Email, detail: "account locked",
                actorId: user.Id, actorEmail: user.Email);
            return new SignInResult(SignInOutcome.LockedOut, user, user.LockedUntil);
        }
        var verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, password ?? "");
        if (verdict == PasswordVerificationResult.Failed)
        {
            var lockUntil = now.AddMinutes(Options.LockoutMinutes);
            await users.RecordFailedSignInAsync(user.Id, Options.MaxFailedSignIns, lockUntil);
            var locksNow = user.FailedSignIns + 1 >= Options.MaxFailedSignIns;
            await audit.WriteAsync(AuditActions.SignInFailed, subject: user.Email,
                detail: locksNow ? "wrong password; account locked" : "wrong password",
                actorId: user.Id, actorEmail: user.Email);
            return locksNow
                ? new SignInResult(SignInOutcome.LockedOut, user, lockUntil)
                : new SignInResult(SignInOutcome.WrongCredentials, null);
        }
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
            await users.UpdatePasswordHashOnlyAsync(user.Id, hasher.HashPassword(user, password!));
        if (user.FailedSignIns > 0 || user.LockedUntil is not null) await users.ResetFailedSignInsAsync(user.Id);
        return new SignInResult(SignInOutcome.Succeeded, user);
    }

    public async Task ResetPasswordAsync(User user, string newPassword)
    {
        if (Validate(user.Email, newPassword) is { } problem) throw new AccountException(problem);
        var hash = hasher.HashPassword(user, newPassword);
        await db.InTransactionAsync(async transaction =>
        {
            var revokedTokens = await users.UpdatePasswordAsync(user.Id, hash, transaction);
            await audit.WriteAsync(AuditActions.UserPasswordReset, subject: user.Email,
                detail: revokedTokens == 0 ? null : $"{revokedTokens} API token{(revokedTokens == 1 ? "" : "s")} revoked",
                transaction: transaction);
            return revokedTokens;
        });
    }

    /// <summary>Issues a token for the user; the plain token is returned once and only its hash is kept.</summary>
    public async Task<(ApiToken Token, string PlainToken)> CreateTokenAsync(User user, string? name)
    {
        var plain = TokenPrefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var tokenName = string.IsNullOrWhiteSpace(name) ? $"token {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm}" : name.Trim();
        if (tokenName.Length > 100) tokenName = tokenName[..100];
        var id = await db.InTransactionAsync(async transaction =>
        {
            var created = await tokens.CreateAsync(user.Id, tokenName, HashToken(plain), plain[..(TokenPrefix.Length + 6)], transaction);
            await audit.WriteAsync(AuditActions.TokenCreated, subject: tokenName, actorId: user.Id, actorEmail: user.Email, transaction: transaction);
            return created;
        });
        var token = (await tokens.GetManyByUserIdAsync(user.Id)).Single(t => t.Id == id);
        return (token, plain);
    }

    public async Task<bool> RevokeTokenAsync(User user, long tokenId)
    {
        return await db.InTransactionAsync(async transaction =>
        {
            var revoked = await tokens.RevokeAsync(tokenId, user.Id, transaction);
            if (revoked)
                await audit.WriteAsync(AuditActions.TokenRevoked, subject: $"token {tokenId}", actorId: user.Id, actorEmail: user.Email,
                    transaction: transaction);
            return revoked;
        });
    }

    public static string HashToken(string plainToken) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(plainToken)));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>An account operation refused for a reason the user can act on; the message says which.</summary>
public sealed class AccountException(string message) : Exception(message);
