using System.ComponentModel.DataAnnotations;

namespace ImaginAI.Tracker.Accounts;

/// <summary>Configuration section "Accounts".</summary>
public sealed class AccountOptions
{
    public int MinPasswordLength { get; set; } = 10;

    /// <summary>Wrong passwords in a row before the account is locked.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    public int LockoutMinutes { get; set; } = 15;

    /// <summary>Sign-in attempts (login form, set-up form, token requests) one IP address may make per minute.</summary>
    public int SignInAttemptsPerMinute { get; set; } = 10;

    public int RememberMeDays { get; set; } = 30;

    /// <summary>
    /// How often every open live-update connection is re-checked against the database, for account changes made
    /// outside this process (the `users` verb, another node); changes made in the web app close connections at once.
    /// </summary>
    [Range(1, 3600)]
    public int LiveRecheckSeconds { get; set; } = 30;
}
