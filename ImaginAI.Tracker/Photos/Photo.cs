namespace ImaginAI.Tracker.Photos;

public static class PhotoStatus
{
    public const string Pending = "pending";
    public const string Embedded = "embedded";
    public const string Matched = "matched";
    public const string Unmatched = "unmatched";
    public const string Failed = "failed";
}

public static class MilestoneSource
{
    /// <summary>The uploader said which milestone the photo shows.</summary>
    public const string Reference = "reference";
    /// <summary>A manager set or cleared the milestone.</summary>
    public const string Manual = "manual";
    /// <summary>The matching job chose it; never used as a reference, so a wrong match cannot snowball.</summary>
    public const string Auto = "auto";
}

/// <summary>A photo row, with its milestone's name and position when it has one.</summary>
public sealed class Photo
{
    public long Id { get; init; }
    public long ProjectId { get; init; }
    public string FileName { get; init; } = "";
    public string Sha256 { get; init; } = "";
    public string ContentType { get; init; } = "";
    public long SizeBytes { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }
    public DateTimeOffset TakenAt { get; init; }
    public DateTimeOffset UploadedAt { get; init; }
    public string? Note { get; init; }
    public string Status { get; init; } = PhotoStatus.Pending;
    public long? MilestoneId { get; init; }
    public string? MilestoneSource { get; init; }
    public double? MilestoneScore { get; init; }
    public double? MatchScore { get; init; }
    public long? MatchedPhotoId { get; init; }
    public string? Error { get; init; }
    public int Attempts { get; init; }
    public int DecisionCount { get; init; }
    public string? MilestoneName { get; init; }
    public int? MilestonePosition { get; init; }
    /// <summary>Why the matching job decided as it did (<see cref="Matching.MatchExplanation"/> as JSON).</summary>
    public string? DecisionJson { get; init; }
    /// <summary>Set while the photo is soft-deleted (restorable until <see cref="PhotoPurgeJob"/> purges it).</summary>
    public DateTimeOffset? DeletedAt { get; init; }
    /// <summary>Where the photo was taken, from its EXIF GPS; null when it carries none.</summary>
    public double? Latitude { get; init; }
    public double? Longitude { get; init; }
    public PhotoLocation? Location => Latitude is { } lat && Longitude is { } lon ? new PhotoLocation(lat, lon) : null;
    /// <summary>The member who uploaded it (null for photos stored before uploaders were recorded).</summary>
    public long? UploadedBy { get; init; }
    /// <summary>The uploader's e-mail, null when the account has since been deleted.</summary>
    public string? UploaderEmail { get; init; }
    /// <summary>Read with the photo by <see cref="PhotoRepository"/> (a second query: tags are rows of their own).</summary>
    public IReadOnlyList<string> Tags { get; set; } = [];
}

/// <summary>Where a photo was taken (WGS 84 degrees, from its EXIF GPS).</summary>
public sealed record PhotoLocation(double Latitude, double Longitude);

public sealed record MilestoneRef(long Id, string Name, int Position);

/// <summary>
/// A member as other members of the project see them: their e-mail (the account's only name). A deleted account
/// keeps its id and shows as "a former member" (email null).
/// </summary>
public sealed record MemberRef(long Id, string? Email)
{
    public string Name => Email ?? "a former member";
}

/// <summary>
/// The photo as GET /api/photos/{id} and every timeline message show it. Beyond the contract's fields it carries
/// the milestone (id, name, position), the milestone score behind an automatic decision, the note, the number
/// of embedding attempts and the explanation of the job's decision (scores, margin, keypoint inliers, basis, text),
/// who uploaded it (null for photos stored before uploaders were recorded), its tags (lower-case, sorted) and where
/// it was taken when its EXIF says so.
/// </summary>
public sealed record PhotoJson(
    long Id, long ProjectId, string FileName, string Status, long? MilestoneId, string? MilestoneSource,
    double? MatchScore, long? MatchedPhotoId, DateTimeOffset TakenAt, DateTimeOffset UploadedAt, int Width, int Height,
    string? Error, string ThumbnailUrl, string FileUrl, MilestoneRef? Milestone, double? MilestoneScore, string? Note,
    int Attempts, Matching.MatchExplanation? Explanation, DateTimeOffset? DeletedAt, DateTimeOffset? PurgeAfter,
    MemberRef? UploadedBy, IReadOnlyList<string> Tags, PhotoLocation? Location)
{
    public static PhotoJson From(Photo photo) => new(
        photo.Id, photo.ProjectId, photo.FileName, photo.Status, photo.MilestoneId, photo.MilestoneSource,
        photo.MatchScore, photo.MatchedPhotoId, photo.TakenAt, photo.UploadedAt, photo.Width, photo.Height,
        photo.Error, $"/api/photos/{photo.Id}/thumbnail", $"/api/photos/{photo.Id}/file",
        photo.MilestoneId is { } id ? new MilestoneRef(id, photo.MilestoneName ?? "", photo.MilestonePosition ?? 0) : null,
        photo.MilestoneScore, photo.Note, photo.Attempts, Matching.MatchExplanation.FromJson(photo.DecisionJson),
        photo.DeletedAt, photo.DeletedAt + PhotoPurgeJob.Grace,
        photo.UploadedBy is { } uploader ? new MemberRef(uploader, photo.UploaderEmail) : null, photo.Tags, photo.Location);
}
