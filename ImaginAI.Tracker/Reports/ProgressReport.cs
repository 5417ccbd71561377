using ImaginAI.Tracker.Photos;
using ImaginAI.Tracker.Projects;
using ImaginAI.Vision.Decoding;

namespace ImaginAI.Tracker.Reports;

public sealed record ReportImage(long PhotoId, string FileName, DateTimeOffset TakenAt, string? ThumbnailPath);

public sealed record ReportNote(DateTimeOffset TakenAt, string FileName, string Text);

public sealed record ReportMilestone(
    Milestone Milestone, int PhotoCount, ReportImage? Before, ReportImage? After, IReadOnlyList<ReportNote> Notes);

/// <summary>What a progress report holds: the project, and for each milestone its dates, its best before/after pair,
/// how many photos it got in the period and their notes.</summary>
public sealed record ProgressReport(
    Project Project, DateOnly From, DateOnly To, DateTimeOffset GeneratedAt, int PhotoCount,
    IReadOnlyList<ReportMilestone> Milestones, int UnfiledCount, IReadOnlyList<ReportNote> UnfiledNotes);

/// <summary>Gathers a <see cref="ProgressReport"/> from the database and the thumbnails.</summary>
public sealed class ProgressReportService(
    ProjectRepository projects, MilestoneRepository milestones, ReportRepository reports, ThumbnailService thumbnails,
    ILogger<ProgressReportService> logger)
{
    /// <summary>Null when the project does not exist.</summary>
    public async Task<ProgressReport?> BuildAsync(long projectId, DateOnly from, DateOnly to, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await projects.GetByIdAsync(projectId) is not { } project) return null;
        var all = await reports.GetManyByProjectIdAsync(projectId, ReportRepository.All, cancellationToken);
        var inRange = all.Where(p => InRange(p.TakenAt, from, to)).ToList();
        var result = new List<ReportMilestone>();
        foreach (var milestone in await milestones.GetManyByProjectIdAsync(projectId))
        {
            var own = inRange.Where(p => p.MilestoneId == milestone.Id).ToList();
            var (before, after) = BestPair(milestone.Id, own, all);
            result.Add(new ReportMilestone(milestone, own.Count,
                before is null ? null : await ImageAsync(before, cancellationToken),
                after is null ? null : await ImageAsync(after, cancellationToken),
                NotesOf(own)));
        }
        var unfiled = inRange.Where(p => p.MilestoneId is null).ToList();
        return new ProgressReport(project, from, to, now, inRange.Count, result, unfiled.Count, NotesOf(unfiled));
    }

    /// <summary>
    /// After: the latest site photo of the milestone in the period (a reference only when it has none). Before: the
    /// earlier photo most like it (its best earlier match, the pair the photo page compares), or else the milestone's
    /// first photo, so the pair shows how the same spot changed.
    /// </summary>
    internal static (ReportPhoto? Before, ReportPhoto? After) BestPair(long milestoneId, IReadOnlyList<ReportPhoto> inRange, IReadOnlyList<ReportPhoto> all)
    {
        var after = inRange.LastOrDefault(p => p.MilestoneSource is MilestoneSource.Auto or MilestoneSource.Manual)
            ?? inRange.LastOrDefault();
        if (after is null) return (null, null);
        var before = all.FirstOrDefault(p => p.Id == after.MatchedPhotoId && p.TakenAt <= after.TakenAt)
            ?? all.FirstOrDefault(p => p.MilestoneId == milestoneId && p.Id != after.Id && p.TakenAt <= after.TakenAt);
        return (before, after);
    }

    internal static bool InRange(DateTimeOffset takenAt, DateOnly from, DateOnly to)
    {
        var day = DateOnly.FromDateTime(takenAt.UtcDateTime);
        return day >= from && day <= to;
    }

    private static List<ReportNote> NotesOf(IEnumerable<ReportPhoto> photos) => photos
        .Where(p => !string.IsNullOrWhiteSpace(p.Note))
        .Select(p => new ReportNote(p.TakenAt, p.FileName, p.Note!.Trim()))
        .ToList();

    private async Task<ReportImage> ImageAsync(ReportPhoto photo, CancellationToken cancellationToken)
    {
        string? path = null;
        try
        {
            path = await thumbnails.GetOrCreateAsync(new Photo { Id = photo.Id, Sha256 = photo.Sha256, ContentType = photo.ContentType }, cancellationToken);
        }
        catch (Exception e) when (e is PhotoDecodeException or IOException)
        {
            // The report still lists the photo; it says the picture could not be read instead of failing whole.
            logger.LogWarning(e, "Photo {PhotoId} left out of a report's pictures", photo.Id);
        }
        return new ReportImage(photo.Id, photo.FileName, photo.TakenAt, path);
    }
}
