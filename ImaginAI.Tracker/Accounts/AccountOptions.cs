using System.ComponentModel.DataAnnotations;

namespace ImaginAI.Tracker.Accounts;

/// <summary>Configuration section "Accounts".</summary>
public sealed class AccountOptions
{
    public const string Section = "Accounts";

    [Range(8, 1024, ErrorMessage = "Accounts:MinPasswordLength must be between 8 and 1024.")]
    public int MinPasswordLength { get; set; } = 10;

    /// <summary>Wrong passwords in a row before the account is locked.</summary>
    [Range(1, 1000, ErrorMessage = "Accounts:MaxFailedSignIns must be between 1 and 1000.")]
    public int MaxFailedSignIns { get; set; } = 5;

    [Range(1, 525600, ErrorMessage = "Accounts:LockoutMinutes must be between 1 and 525600 (a year).")]
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>Sign-in attempts (login form, set-up form, token requests) one IP address may make per minute.</summary>
    [Range(1, 1000000, ErrorMessage = "Accounts:SignInAttemptsPerMinute must be between 1 and 1000000.")]
    public int SignInAttemptsPerMinute { get; set; } = 10;

    [Range(1, 3650, ErrorMessage = "Accounts:RememberMeDays must be between 1 and 3650.")]
    public int RememberMeDays { get; set; } = 30;

    /// <summary>
    /// How often every open live-update connection is re-checked against the database, for account changes made
    /// outside this process (the `users` verb, another node); changes made in the web app close connections at once.
    /// </summary>
    [Range(1, 3600, ErrorMessage = "Accounts:LiveRecheckSeconds must be between 1 and 3600.")]
    public int LiveRecheckSeconds { get; set; } = 30;
}
