using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ImaginAI.Tracker.Data;
using ImaginAI.Tracker.Matching;
using ImaginAI.Tracker.Photos;
using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Scheduling;
using ImaginAI.Vision;
using ImaginAI.Vision.Alignment;
using ImaginAI.Vision.Decoding;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace ImaginAI.Tracker.Timelapse;

/// <summary>How far a build has come, for the page's progress bar.</summary>
public sealed record TimelapseProgress(string Phase, int Done, int Total);

/// <summary>The reference photo, the later photos that may join it and the stamp naming that set.</summary>
public sealed record TimelapseSet(Photo Reference, IReadOnlyList<TimelapseCandidate> Candidates, int MinInliers, string Stamp);

/// <summary>
/// Makes a time-lapse of one spot: every later photo of the project is verified against the reference photo with
/// its stored keypoint features (kept if the inliers reach the project's minimum), warped onto the reference's frame
/// with the fitted homography, written as a JPEG frame, and the frames written as an MP4. Files live in
/// data/timelapse/{referenceId}/; a frame is named by its photo's SHA-256 (both files never change, so neither does
/// the warp) and reused by the next build, as are the verification results.
/// </summary>
public sealed class TimelapseBuilder(
    PhotoRepository photos, ProjectRepository projects, TimelapseRepository candidates, PhotoVerifier verifier,
    PhotoFileStore store, BackgroundCpu cpu, IOptions<StorageOptions> storage, IOptions<VisionOptions> vision)
{
    /// <summary>Long side of a frame: enough for a laptop screen, and a few hundred KB a frame.</summary>
    public const int FrameSide = 1280;

    /// <summary>How long each photo shows in the video.</summary>
    public const double SecondsPerFrame = 0.8;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string FolderOf(long referenceId) => Path.Combine(storage.Value.DataPath, "timelapse", referenceId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The set a time-lapse of this photo is made from now, or null when the photo does not exist.</summary>
    public async Task<TimelapseSet?> GetSetAsync(long referenceId)
    {
        if (await photos.GetByIdAsync(referenceId) is not { } reference) return null;
        if (await projects.GetMatchSettingsAsync(reference.ProjectId) is not { } settings) return null;
        var minInliers = settings.MinInliers;
        var later = await candidates.GetCandidatesAsync(reference.ProjectId, reference.Id, reference.TakenAt);
        var text = new StringBuilder($"{reference.Sha256}|{minInliers}|{FrameSide}");
        foreach (var c in later)
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"|{c.Id}:{c.Sha256}:{TrackerDb.Utc(c.TakenAt)}:{c.MilestoneId}:{c.MilestoneName}");
        var stamp = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
        return new TimelapseSet(reference, later, minInliers, stamp);
    }

    /// <summary>The last built time-lapse of this photo (perhaps of an older set), or null.</summary>
    public async Task<TimelapseManifest?> ReadManifestAsync(long referenceId, CancellationToken cancellationToken)
    {
        var path = Path.Combine(FolderOf(referenceId), "manifest.json");
        try
        {
            await using var file = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<TimelapseManifest>(file, Json, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Builds the time-lapse of the photo's current set, reporting progress as it goes.</summary>
    public async Task<TimelapseManifest?> BuildAsync(long referenceId, IProgress<TimelapseProgress> progress, CancellationToken cancellationToken)
    {
        if (await GetSetAsync(referenceId) is not { } set) return null;
        var folder = FolderOf(referenceId);
        Directory.CreateDirectory(Path.Combine(folder, "frames"));
        var reference = await verifier.DescribeAsync(referenceId, cancellationToken)
            ?? throw new InvalidOperationException("The reference photo's keypoints could not be found: its file could not be read.");

        var checksPath = Path.Combine(folder, "checks.json");
        var checks = await ReadChecksAsync(checksPath, reference, cancellationToken);
        var kept = new List<(TimelapseCandidate Photo, TimelapseCheck Check)>();
        var total = set.Candidates.Count;
        for (var i = 0; i < total; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress.Report(new TimelapseProgress("checking", i, total));
            var candidate = set.Candidates[i];
            if (!checks.TryGetValue(candidate.Sha256, out var check))
            {
                var features = await verifier.DescribeAsync(candidate.Id, cancellationToken);
                if (features is null) continue;
                // Candidate onto reference: the homography draws the later photo in the reference's frame.
                var result = await Task.Factory.StartNew(() => verifier.Verify(features, reference), cancellationToken, TaskCreationOptions.None, cpu);
                check = new TimelapseCheck(result.Inliers, result.Homography, features.Width, features.Height);
                checks[candidate.Sha256] = check;
            }
            if (check.Homography is not null && check.Inliers >= set.MinInliers) kept.Add((candidate, check));
        }
        await PhotoFileStore.WriteAtomicallyAsync(checksPath, JsonSerializer.SerializeToUtf8Bytes(new ChecksFile(set.Reference.Sha256, reference.Width, reference.Height, checks), Json), cancellationToken);

        var frameSize = FrameSizeOf(reference.Width, reference.Height);
        var frames = new List<TimelapseFrame>();
        var referenceFile = $"{set.Reference.Id}-{set.Reference.Sha256[..16]}.jpg";
        var identity = new double[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
        await DrawFrameAsync(set.Reference.Sha256, set.Reference.ContentType, identity, new SKSizeI(reference.Width, reference.Height),
            new SKSizeI(reference.Width, reference.Height), frameSize, Path.Combine(folder, "frames", referenceFile), cancellationToken);
        frames.Add(new TimelapseFrame(set.Reference.Id, set.Reference.FileName, set.Reference.TakenAt, set.Reference.MilestoneName, null, referenceFile));
        for (var i = 0; i < kept.Count; i++)
        {
            progress.Report(new TimelapseProgress("drawing", i, kept.Count));
            var (photo, check) = kept[i];
            var file = $"{photo.Id}-{photo.Sha256[..16]}.jpg";
            await DrawFrameAsync(photo.Sha256, photo.ContentType, check.Homography!, new SKSizeI(check.KeypointWidth, check.KeypointHeight),
                new SKSizeI(reference.Width, reference.Height), frameSize, Path.Combine(folder, "frames", file), cancellationToken);
            frames.Add(new TimelapseFrame(photo.Id, photo.FileName, photo.TakenAt, photo.MilestoneName, check.Inliers, file));
        }

        progress.Report(new TimelapseProgress("video", 0, 1));
        var video = $"timelapse-{set.Stamp}.mp4";
        await Task.Factory.StartNew(() => WriteVideo(folder, frames, frameSize, video), cancellationToken, TaskCreationOptions.None, cpu);

        var manifest = new TimelapseManifest(set.Stamp, referenceId, DateTimeOffset.UtcNow, frameSize.Width, frameSize.Height, set.MinInliers,
            frames, set.Candidates.Count - kept.Count, video);
        await PhotoFileStore.WriteAtomicallyAsync(Path.Combine(folder, "manifest.json"), JsonSerializer.SerializeToUtf8Bytes(manifest, Json), cancellationToken);
        RemoveUnused(folder, manifest);
        return manifest;
    }

    /// <summary>Removes the time-lapse built on a photo that is being purged, frames and video.</summary>
    public void RemoveFor(long referenceId)
    {
        var folder = FolderOf(referenceId);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>Removes the time-lapses of photos that no longer exist (purged while this node was down).</summary>
    public async Task RemoveOrphansAsync()
    {
        var root = Path.Combine(storage.Value.DataPath, "timelapse");
        if (!Directory.Exists(root)) return;
        var folders = Directory.GetDirectories(root)
            .Select(d => (Path: d, Id: long.TryParse(Path.GetFileName(d), out var id) ? id : (long?)null))
            .Where(d => d.Id is not null).ToList();
        var existing = await candidates.GetExistingIdsAsync(folders.Select(d => d.Id!.Value).ToList());
        foreach (var (path, id) in folders)
            if (!existing.Contains(id!.Value)) Directory.Delete(path, recursive: true);
    }

    // Sides even (MPEG-4 needs it) and at most FrameSide long, in the reference's proportions.
    internal static SKSizeI FrameSizeOf(int width, int height)
    {
        var scale = Math.Min(1.0, (double)FrameSide / Math.Max(width, height));
        return new SKSizeI(Math.Max(2, (int)(width * scale) / 2 * 2), Math.Max(2, (int)(height * scale) / 2 * 2));
    }

    private async Task DrawFrameAsync(string sha256, string contentType, double[] homography, SKSizeI fromSpace, SKSizeI toSpace,
        SKSizeI frameSize, string path, CancellationToken cancellationToken)
    {
        if (File.Exists(path)) return;
        var bytes = await File.ReadAllBytesAsync(store.PhotoPath(sha256, contentType), cancellationToken);
        var jpeg = await Task.Factory.StartNew(() =>
        {
            using var decoded = PhotoDecoder.Decode(bytes, new DecodeOptions { MinShortSide = Math.Min(frameSize.Width, frameSize.Height), MaxPixels = vision.Value.MaxPixels });
            var source = new SKSizeI(decoded.Bitmap.Width, decoded.Bitmap.Height);
            var h = FrameAligner.Rescale(homography, fromSpace, source, toSpace, frameSize);
            using var frame = FrameAligner.Warp(decoded.Bitmap, h, frameSize);
            return PhotoDecoder.EncodeJpeg(frame, Math.Max(frameSize.Width, frameSize.Height), 85);
        }, cancellationToken, TaskCreationOptions.None, cpu);
        await PhotoFileStore.WriteAtomicallyAsync(path, jpeg, cancellationToken);
    }

    private static void WriteVideo(string folder, IReadOnlyList<TimelapseFrame> frames, SKSizeI size, string name)
    {
        var path = Path.Combine(folder, name);
        if (File.Exists(path)) return;
        var temp = Path.Combine(folder, $"video-{Guid.NewGuid():N}.mp4");
        try
        {
            TimelapseVideo.Write(temp, size, ReadFrames(folder, frames), SecondsPerFrame);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    // One frame in memory at a time: a long time-lapse never sits in memory whole.
    private static IEnumerable<SKBitmap> ReadFrames(string folder, IReadOnlyList<TimelapseFrame> frames)
    {
        foreach (var frame in frames)
        {
            using var bitmap = SKBitmap.Decode(Path.Combine(folder, "frames", frame.File))
                ?? throw new InvalidOperationException($"The frame {frame.File} could not be read back.");
            yield return bitmap;
        }
    }

    private static void RemoveUnused(string folder, TimelapseManifest manifest)
    {
        var used = manifest.Frames.Select(f => f.File).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(folder, "frames")))
            if (!used.Contains(Path.GetFileName(file))) File.Delete(file);
        foreach (var video in Directory.EnumerateFiles(folder, "*.mp4"))
            if (Path.GetFileName(video) != manifest.Video) File.Delete(video);
    }

    private sealed record ChecksFile(string ReferenceSha256, int Width, int Height, Dictionary<string, TimelapseCheck> Checks);

    // Results are valid only for the same reference features (the same file, found the same way).
    private static async Task<Dictionary<string, TimelapseCheck>> ReadChecksAsync(string path, ImaginAI.Vision.Verification.PhotoKeypoints reference, CancellationToken cancellationToken)
    {
        try
        {
            await using var file = File.OpenRead(path);
            var stored = await JsonSerializer.DeserializeAsync<ChecksFile>(file, Json, cancellationToken);
            if (stored is not null && stored.Width == reference.Width && stored.Height == reference.Height) return stored.Checks;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
        }
        return new Dictionary<string, TimelapseCheck>(StringComparer.Ordinal);
    }
}
