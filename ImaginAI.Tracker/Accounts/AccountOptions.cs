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
}
