namespace ImaginAI.Tracker.Accounts;

// Plain init-only shapes: Dapper fills them by column alias, converting SQLite's text timestamps.
public sealed record User
{
    public long Id { get; init; }
    public string Email { get; init; } = "";
    public string PasswordHash { get; init; } = "";
    public string Role { get; init; } = Roles.Field;
    public int FailedSignIns { get; init; }
    public DateTimeOffset? LockedUntil { get; init; }
    public string SecurityStamp { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }

    public bool IsAdmin => Role == Roles.Admin;

    public bool IsLockedOut(DateTimeOffset utcNow) => LockedUntil is { } until && until > utcNow;
}

public sealed record ProjectMember
{
    public long ProjectId { get; init; }
    public long UserId { get; init; }
    public string Email { get; init; } = "";
    public string GlobalRole { get; init; } = "";
    public string Role { get; init; } = "";
    public DateTimeOffset AddedAt { get; init; }
}

/// <summary>A user a project's manager may be offered to add: no more than the members page shows.</summary>
public sealed record MemberCandidate
{
    public long Id { get; init; }
    public string Email { get; init; } = "";
    public string Role { get; init; } = "";
}

public sealed record ApiToken
{
    public long Id { get; init; }
    public long UserId { get; init; }
    public string Name { get; init; } = "";
    public string TokenPrefix { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? LastUsedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }

    public bool IsActive => RevokedAt is null;
}
