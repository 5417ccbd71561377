namespace ImaginAI.Tracker.Projects;

public sealed class Project
{
    public long Id { get; init; }
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Null: the configured default threshold applies.</summary>
    public double? MatchThreshold { get; init; }
    /// <summary>Keypoint inliers a milestone needs to be accepted on geometric evidence.</summary>
    public int MinInliers { get; init; }
    public int PhotoCount { get; init; }
    public int MilestoneCount { get; init; }
    public int MilestonesReached { get; init; }
    /// <summary>Milestones reached after their due date, or still open past it.</summary>
    public int MilestonesLate { get; init; }
    /// <summary>Photos the matching job left for a manager to decide.</summary>
    public int InReview { get; init; }
    /// <summary>The earliest due date of a milestone not reached yet.</summary>
    public DateOnly? NextDueDate { get; init; }
    /// <summary>Set while the project is archived: read-only and hidden from the list by default.</summary>
    public DateTimeOffset? ArchivedAt { get; init; }
}

public sealed class Milestone
{
    public long Id { get; init; }
    public long ProjectId { get; init; }
    public string Name { get; init; } = "";
    public int Position { get; init; }
    public DateOnly? DueDate { get; init; }
    /// <summary>When the first site photo of the milestone was taken (<see cref="MilestoneProgress"/>).</summary>
    public DateTimeOffset? ReachedAt { get; init; }
    public long? ReachedPhotoId { get; init; }
    public bool Late { get; init; }
}

/// <summary>The project as the API shows it: the threshold in force, whether set on the project or the default.</summary>
public sealed record ProjectJson(
    long Id, string Name, string Description, DateTimeOffset CreatedAt, int PhotoCount, int MilestoneCount,
    int MilestonesReached, double MatchThreshold, bool MatchThresholdIsDefault, int MinInliers,
    int MilestonesLate, int InReview, DateOnly? NextDueDate, DateTimeOffset? ArchivedAt)
{
    public static ProjectJson From(Project project, double defaultThreshold) => new(
        project.Id, project.Name, project.Description, project.CreatedAt, project.PhotoCount, project.MilestoneCount,
        project.MilestonesReached, project.MatchThreshold ?? defaultThreshold, project.MatchThreshold is null, project.MinInliers,
        project.MilestonesLate, project.InReview, project.NextDueDate, project.ArchivedAt);
}

public sealed record MilestoneJson(
    long Id, long ProjectId, string Name, int Position, DateOnly? DueDate, DateTimeOffset? ReachedAt, long? ReachedPhotoId, bool Late)
{
    public static MilestoneJson From(Milestone milestone) => new(
        milestone.Id, milestone.ProjectId, milestone.Name, milestone.Position, milestone.DueDate,
        milestone.ReachedAt, milestone.ReachedPhotoId, milestone.Late);
}

/// <summary>A project's own matching settings (a null threshold means the configured default).</summary>
public sealed class ProjectMatchSettings
{
    public double? MatchThreshold { get; init; }
    public int MinInliers { get; init; }
}
