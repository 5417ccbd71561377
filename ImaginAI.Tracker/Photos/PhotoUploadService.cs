using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using ImaginAI.Tracker.Data;
using ImaginAI.Tracker.Embedding;
using ImaginAI.Tracker.Errors;
using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Security;
using ImaginAI.Tracker.Timeline;
using ImaginAI.Vision;
using ImaginAI.Vision.Decoding;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ImaginAI.Tracker.Photos;

/// <summary>
/// One file's outcome: accepted or duplicate (id, status, duplicateOf) or refused (error in plain words, reason code).
/// A file whose earlier copy failed is not a duplicate: it comes back with that photo's id, status "failed", the reason
/// (failedReason) and the address that retries it (retryUrl, POST).
/// </summary>
public sealed record UploadedFileResult(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Id,
    string FileName,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? DuplicateOf,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? FailedReason { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? RetryUrl { get; init; }

    /// <summary>The same file is already in the project: the earlier photo, or an offer to retry it when it failed.</summary>
    public static UploadedFileResult AlreadyThere(ExistingPhoto existing, string fileName) => existing.Status == PhotoStatus.Failed
        ? new(existing.Id, fileName, existing.Status, null, null, null) { FailedReason = existing.Error, RetryUrl = $"/api/photos/{existing.Id}/retry" }
        : new(existing.Id, fileName, existing.Status, existing.Id, null, null);

    public static UploadedFileResult Refused(string fileName, string error, string reason) => new(null, fileName, null, null, error, reason);
}

/// <summary>
/// Receives photos without ever holding a whole file in memory or embedding inside the request: each file part
/// streams to a temp file (hashed on the way, cut off past Storage:MaxUploadBytes), its header is validated by the
/// vision decoder, and only then is it moved to its content address and recorded as pending.
/// </summary>
public sealed class PhotoUploadService(
    ProjectRepository projects,
    MilestoneRepository milestones,
    PhotoRepository photos,
    PhotoFileStore store,
    EmbeddingQueue embeddingQueue,
    TimelineNotifier notifier,
    IOptions<StorageOptions> storage,
    IOptions<VisionOptions> vision,
    TimeProvider clock,
    Telemetry.PhotoTelemetry telemetry,
    ILogger<PhotoUploadService> logger)
{
    private const int MaxFieldLength = 4096;
    private const int MaxFileNameLength = 255;

    // The form has four fields (milestoneId, takenAt, note, tags); thousands of them only cost the server time.
    private const int MaxFormFields = 16;
    private const int MaxPartHeaderBytes = 8 * 1024;

    public async Task<IResult> UploadAsync(long projectId, HttpContext http, CancellationToken cancellationToken)
    {
        if (!await projects.ExistsAsync(projectId)) return Problems.NoSuchProject(projectId);
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var mediaType)
            || !"multipart/form-data".Equals(mediaType.MediaType.Value, StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Length is 0 or > 200)
            return TypedResults.Problem("Send the photos as multipart/form-data, one \"files\" part per photo.",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Not a photo upload");

        var limits = storage.Value;
        // Kestrel's default body limit (30 MB) is below one allowed photo; this request may carry several.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
            bodySize.MaxRequestBodySize = limits.MaxUploadBytes * limits.MaxFilesPerRequest + 1024 * 1024;

        var incoming = new List<IncomingFile>();
        try
        {
            var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var reader = new MultipartReader(HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value!, http.Request.Body)
            {
                HeadersLengthLimit = MaxPartHeaderBytes,
                HeadersCountLimit = 16,
            };
            var parts = 0;
            while (await ReadNextSectionAsync(reader, cancellationToken) is { } section)
            {
                if (++parts > limits.MaxFilesPerRequest + MaxFormFields)
                    return Problems.BadRequest("Too many parts",
                        $"The upload has more than {limits.MaxFilesPerRequest + MaxFormFields} parts. Send at most {limits.MaxFilesPerRequest} photos, with a milestone, a time and a note, at once.");
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) continue;
                if (disposition.IsFileDisposition())
                {
                    var fileName = CleanFileName(disposition.FileNameStar.Value ?? disposition.FileName.Value);
                    if (incoming.Count >= limits.MaxFilesPerRequest)
                        incoming.Add(new IncomingFile(fileName, null, UploadedFileResult.Refused(fileName,
                            $"Only {limits.MaxFilesPerRequest} photos can be sent at once; send this one in another upload.", "tooManyFiles")));
                    else
                    {
                        var staged = await store.StageAsync(section.Body, limits.MaxUploadBytes, cancellationToken);
                        incoming.Add(staged is null
                            ? new IncomingFile(fileName, null, UploadedFileResult.Refused(fileName,
                                $"This file is too big: photos up to {FormatSize(limits.MaxUploadBytes)} are accepted.", "tooLarge"))
                            : new IncomingFile(fileName, staged, null));
                    }
                }
                else if (disposition.IsFormDisposition())
                {
                    if (fields.Count >= MaxFormFields)
                        return Problems.BadRequest("Too many form fields",
                            $"The upload has more than {MaxFormFields} form fields; a photo upload needs only a milestone, a time and a note.");
                    var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                    var value = await ReadFieldAsync(section.Body, cancellationToken);
                    if (value is null) return Problems.BadRequest("Field too long", $"The form field \"{name}\" is longer than {MaxFieldLength} characters.");
                    fields[name] = value;
                }
            }

            if (incoming.Count == 0)
                return Problems.BadRequest("No photos", "The upload contained no photo. Choose one or more photos and send them as \"files\".");

            var (details, problem) = await ReadDetailsAsync(projectId, fields, http.User.TryGetUserId());
            if (problem is not null) return problem;

            var results = new List<UploadedFileResult>();
            var added = new List<long>();
            var storageFull = false;
            foreach (var file in incoming)
            {
                UploadedFileResult result;
                try
                {
                    result = file.Refusal ?? await AcceptAsync(projectId, file.FileName, file.Staged!, details!, cancellationToken);
                }
                catch (Exception e) when (StorageErrors.IsDiskFull(e))
                {
                    logger.LogError(e, "The data disk is full: {FileName} for project {ProjectId} was not stored", file.FileName, projectId);
                    storageFull = true;
                    break;
                }
                if (result.Id is { } id && result.DuplicateOf is null) added.Add(id);
                results.Add(result);
            }

            foreach (var id in added) await notifier.PhotoAddedAsync(id);
            if (added.Count > 0) await embeddingQueue.WakeAsync();
            // The photos stored before the disk filled up stay stored; the answer lists them.
            return storageFull ? Problems.StorageFull(results) : Answer(results);
        }
        catch (Exception e) when (StorageErrors.IsDiskFull(e))
        {
            logger.LogError(e, "The data disk is full: an upload to project {ProjectId} could not be received", projectId);
            return Problems.StorageFull();
        }
        finally
        {
            foreach (var file in incoming)
                if (file.Staged is not null) PhotoFileStore.Discard(file.Staged);
        }
    }

    private async Task<UploadedFileResult> AcceptAsync(long projectId, string fileName, StagedFile staged, UploadDetails details, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var bytes = await File.ReadAllBytesAsync(staged.TempPath, cancellationToken);
        PhotoHeader header;
        PhotoMetadata metadata;
        try
        {
            header = PhotoDecoder.ReadHeader(bytes, new DecodeOptions { MaxPixels = vision.Value.MaxPixels, MinSide = vision.Value.MinPhotoSide });
            metadata = PhotoDecoder.ReadMetadata(bytes);
        }
        catch (PhotoDecodeException e)
        {
            return UploadedFileResult.Refused(fileName, e.Message, JsonNamingPolicy(e.Reason.ToString()));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Reading the header of {FileName} failed", fileName);
            return UploadedFileResult.Refused(fileName, "This file could not be read as a photo.", "unreadable");
        }

        if (await photos.GetBySha256Async(projectId, staged.Sha256) is { } existing)
            return UploadedFileResult.AlreadyThere(existing, fileName);

        var contentType = PhotoContentTypes.FromDecoderFormat(header.Format);
        var placed = store.Commit(staged, contentType);
        var uploadedAt = clock.GetUtcNow();
        long? id;
        try
        {
            id = await photos.CreateAsync(new NewPhoto(
                projectId, fileName, staged.Sha256, contentType, staged.Length, header.Width, header.Height,
                details.TakenAt ?? metadata.TakenAt ?? uploadedAt, uploadedAt, metadata.Latitude, metadata.Longitude,
                details.Note, details.MilestoneId, details.UploadedBy, details.Tags));
        }
        catch (Exception e) when (placed && (StorageErrors.IsDiskFull(e) || StorageErrors.IsDatabaseUnavailable(e)))
        {
            // The row could not be stored, so the file must not stay without it (the client is told to retry).
            store.Uncommit(staged.Sha256, contentType);
            throw;
        }
        finally
        {
            if (placed) store.Placed(staged, contentType);
        }
        if (id is null && await photos.GetBySha256Async(projectId, staged.Sha256) is { } winner)
            return UploadedFileResult.AlreadyThere(winner, fileName);
        telemetry.Added(id!.Value, projectId, fileName, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        return new UploadedFileResult(id, fileName, PhotoStatus.Pending, null, null, null);
    }

    /// <summary>
    /// 202 with one result per file when at least one file was accepted (or was already there). When every file was
    /// refused the request failed as a whole: 413 if they were all too big, else 422, with the per-file results in
    /// the problem's "files" member.
    /// </summary>
    private static IResult Answer(List<UploadedFileResult> results)
    {
        if (results.Any(r => r.Error is null)) return TypedResults.Json(results, statusCode: StatusCodes.Status202Accepted);
        var allTooLarge = results.All(r => r.Reason == "tooLarge");
        var detail = results.Count == 1
            ? results[0].Error!
            : $"None of the {results.Count} files could be accepted: " + string.Join(" ", results.Select(r => $"{r.FileName}: {r.Error}"));
        return TypedResults.Problem(detail,
            statusCode: allTooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status422UnprocessableEntity,
            title: allTooLarge ? "Photo too big" : "Not accepted",
            extensions: new Dictionary<string, object?> { ["files"] = results });
    }

    private sealed record UploadDetails(long? MilestoneId, DateTimeOffset? TakenAt, string? Note, IReadOnlyList<string> Tags, long? UploadedBy);

    private async Task<(UploadDetails? Details, IResult? Problem)> ReadDetailsAsync(long projectId, Dictionary<string, string> fields, long? uploadedBy)
    {
        long? milestoneId = null;
        if (fields.TryGetValue("milestoneId", out var milestoneText) && !string.IsNullOrWhiteSpace(milestoneText))
        {
            if (!long.TryParse(milestoneText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                || await milestones.GetByIdAsync(parsed) is not { } milestone || milestone.ProjectId != projectId)
                return (null, Problems.BadRequest("Unknown milestone", $"This project has no milestone \"{milestoneText}\". Pick one of the project's milestones or none."));
            milestoneId = parsed;
        }

        DateTimeOffset? takenAt = null;
        if (fields.TryGetValue("takenAt", out var takenText) && !string.IsNullOrWhiteSpace(takenText))
        {
            if (!DateTimeOffset.TryParse(takenText.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                return (null, Problems.BadRequest("Time not understood", $"Write when the photos were taken as an ISO date and time, for example 2025-03-14T09:30:00Z (got \"{takenText}\")."));
            takenAt = parsed.ToUniversalTime();
        }

        var (note, noteError) = PhotoTags.NormalizeNote(fields.GetValueOrDefault("note"));
        if (noteError is not null) return (null, Problems.BadRequest("Note too long", noteError));
        var (tags, tagError) = PhotoTags.ParseField(fields.GetValueOrDefault("tags"));
        if (tagError is not null) return (null, Problems.BadRequest("Tags not accepted", tagError));
        return (new UploadDetails(milestoneId, takenAt, note, tags, uploadedBy), null);
    }

    private static async Task<MultipartSection?> ReadNextSectionAsync(MultipartReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadNextSectionAsync(cancellationToken);
        }
        catch (IOException e)
        {
            // Handled as 400 by the error handler: the body ended or broke before the form did.
            throw new InvalidDataException("The upload ended before the form did.", e);
        }
    }

    private static async Task<string?> ReadFieldAsync(Stream body, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, Encoding.UTF8);
        var buffer = new char[MaxFieldLength + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await reader.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0) total += read;
        return total > MaxFieldLength ? null : new string(buffer, 0, total);
    }

    private static string CleanFileName(string? raw)
    {
        var name = Path.GetFileName((HeaderUtilities.RemoveQuotes(raw).Value ?? "").Replace('\\', '/'));
        name = new string(name.Where(c => !char.IsControl(c) && !IsBidiControl(c)).ToArray()).Trim();
        if (name.Length == 0) return "photo";
        return name.Length <= MaxFileNameLength ? name : name[..MaxFileNameLength];
    }

    /// <summary>
    /// Bidirectional embeddings, overrides, isolates and marks: "photo\u202Egpj.exe" would show as "photoexe.jpg".
    /// Other invisible format characters (the joiners inside emoji and Persian words) are kept.
    /// </summary>
    private static bool IsBidiControl(char c) =>
        c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    private static string FormatSize(long bytes) =>
        bytes >= 1024 * 1024 ? $"{bytes / (1024.0 * 1024):0.#} MB" : $"{bytes / 1024.0:0.#} KB";

    private static string JsonNamingPolicy(string name) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name);

    private sealed record IncomingFile(string FileName, StagedFile? Staged, UploadedFileResult? Refusal);
}
