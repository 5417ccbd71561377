using System.Globalization;
using System.IO.Compression;
using System.Text;
using CsvHelper;
using ImaginAI.Tracker.Photos;

namespace ImaginAI.Tracker.Reports;

/// <summary>One row of an export's manifest.csv.</summary>
public sealed record ManifestRow(
    string File, string Taken, string Uploader, string Milestone, string Decision, string Similarity, string Note,
    string Tags, string Location);

/// <summary>
/// Writes a ZIP of photos straight into a stream (the response body): manifest.csv first, then each photo's stored
/// file, read and written a buffer at a time. Nothing is gathered whole in memory, so the size of a project does
/// not matter. The photos are JPEG and the like, already compressed: they are stored, not deflated again.
/// </summary>
public sealed class ProjectExport(PhotoFileStore store, ILogger<ProjectExport> logger)
{
    public const string ManifestName = "manifest.csv";

    /// <summary>The manifest's header, in the order of <see cref="ManifestRow"/>.</summary>
    public static readonly string[] ManifestColumns = ["file", "taken", "uploader", "milestone", "decision", "similarity", "note", "tags", "location"];

    public async Task WriteAsync(Stream output, IReadOnlyList<ReportPhoto> photos, CancellationToken cancellationToken)
    {
        await using var zip = await ZipArchive.CreateAsync(output, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: Encoding.UTF8, cancellationToken);
        var present = photos.Where(p => File.Exists(store.PhotoPath(p.Sha256, p.ContentType))).ToList();
        foreach (var missing in photos.Except(present))
            logger.LogWarning("Photo {PhotoId} left out of an export: its file is missing from storage", missing.Id);

        var manifest = zip.CreateEntry(ManifestName, CompressionLevel.Optimal);
        await using (var entry = await manifest.OpenAsync(cancellationToken))
        {
            // A note such as "=HYPERLINK(...)" stays text when the manifest is opened in a spreadsheet; the byte order
            // mark makes spreadsheets read it as UTF-8.
            await using var csv = CsvWriter.Create(entry, new CsvWriterOptions { Injection = CsvInjection.Escape, WriteByteOrderMark = true }, leaveOpen: true);
            await csv.WriteRecordAsync(ManifestColumns, cancellationToken);
            foreach (var row in present.Select(ManifestRowOf))
                await csv.WriteRecordAsync([row.File, row.Taken, row.Uploader, row.Milestone, row.Decision, row.Similarity, row.Note, row.Tags, row.Location], cancellationToken);
            await csv.FlushAsync(cancellationToken);
        }

        foreach (var photo in present)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entry = zip.CreateEntry(EntryName(photo), CompressionLevel.NoCompression);
            entry.LastWriteTime = photo.TakenAt;
            await using var source = new FileStream(store.PhotoPath(photo.Sha256, photo.ContentType), FileMode.Open, FileAccess.Read,
                FileShare.Read, bufferSize: 64 * 1024, useAsync: true);
            await using var target = await entry.OpenAsync(cancellationToken);
            await source.CopyToAsync(target, cancellationToken);
        }
    }

    /// <summary>"photos/12-roof.jpg": the id keeps two photos of the same name apart.</summary>
    public static string EntryName(ReportPhoto photo)
    {
        var name = string.Concat(Path.GetFileName(photo.FileName).Select(c => char.IsControl(c) || c is '/' or '\\' or ':' ? '_' : c));
        return $"photos/{photo.Id}-{(name.Length == 0 ? "photo" : name)}";
    }

    public static ManifestRow ManifestRowOf(ReportPhoto photo) => new(
        EntryName(photo),
        photo.TakenAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        photo.UploadedBy is null ? "" : photo.UploaderEmail ?? "a former member",
        photo.MilestoneName ?? "",
        Decision(photo),
        photo.MilestoneScore is { } score ? score.ToString("0.000", CultureInfo.InvariantCulture) : "",
        photo.Note ?? "",
        string.Join("; ", photo.Tags),
        photo.Latitude is { } lat && photo.Longitude is { } lon
            ? string.Create(CultureInfo.InvariantCulture, $"{lat:0.000000},{lon:0.000000}") : "");

    /// <summary>What a photo is, in the words of the timeline's captions.</summary>
    public static string Decision(ReportPhoto photo) => (photo.Status, photo.MilestoneSource) switch
    {
        (_, MilestoneSource.Reference) => "reference",
        (_, MilestoneSource.Manual) => photo.MilestoneId is null ? "set by a manager: no milestone" : "set by a manager",
        (PhotoStatus.Matched, _) => "matched automatically",
        (PhotoStatus.Unmatched, _) => "in review",
        (PhotoStatus.Failed, _) => "failed",
        _ => "processing",
    };
}
