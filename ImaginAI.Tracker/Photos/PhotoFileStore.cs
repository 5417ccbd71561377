using System.Buffers;
using System.Security.Cryptography;
using ImaginAI.Tracker.Data;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Photos;

/// <summary>An upload written to the temp folder, with its SHA-256 computed while it streamed in.</summary>
public sealed record StagedFile(string TempPath, string Sha256, long Length);

/// <summary>
/// Photo files addressed by their SHA-256 (photos/ab/abcdef….jpg) and their cached thumbnails (thumbs/ab/abcdef….jpg).
/// Files arrive in tmp/ and are moved in atomically, so a crash never leaves half a photo where a reader looks.
/// </summary>
public sealed class PhotoFileStore(IOptions<StorageOptions> storage, TrackerDb db)
{
    private readonly StorageOptions options = storage.Value;

    /// <summary>This node's mark on the temp files it writes (<see cref="LeftoverFiles.Tag(string)"/>).</summary>
    public string NodeTag { get; } = LeftoverFiles.Tag(db);

    /// <summary>
    /// Streams <paramref name="source"/> to a temp file, hashing as it goes. Stops reading at
    /// <paramref name="maxBytes"/> + 1 and returns null (the temp file deleted) when the file is bigger than that.
    /// </summary>
    public async Task<StagedFile?> StageAsync(Stream source, long maxBytes, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.TempPath);
        var tempPath = Path.Combine(options.TempPath, NodeTag + Guid.NewGuid().ToString("N"));
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length = 0;
            await using (var temp = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                int read;
                while ((read = await ReadFromUploadAsync(source, buffer, cancellationToken)) > 0)
                {
                    length += read;
                    if (length > maxBytes) break;
                    hash.AppendData(buffer, 0, read);
                    await temp.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }
            if (length > maxBytes)
            {
                File.Delete(tempPath);
                return null;
            }
            return new StagedFile(tempPath, Convert.ToHexStringLower(hash.GetHashAndReset()), length);
        }
        catch
        {
            File.Delete(tempPath);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A request body that ends inside a file is the client's problem (400), not a disk error (500).</summary>
    private static async Task<int> ReadFromUploadAsync(Stream source, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await source.ReadAsync(buffer, cancellationToken);
        }
        catch (IOException e)
        {
            throw new InvalidDataException("The upload ended before the file did.", e);
        }
    }

    /// <summary>
    /// Moves a staged file to its content address; when that file already exists (same bytes) the copy is dropped.
    /// Returns whether this call put the file there.
    /// </summary>
    public bool Commit(StagedFile staged, string contentType)
    {
        var path = PhotoPath(staged.Sha256, contentType);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path))
        {
            File.Delete(staged.TempPath);
            return false;
        }
        // Until the row is stored (Placed), a marker in tmp/ names the file: a crash in between leaves the file without
        // its row, and the marker, carrying this node's mark, lets this node's next start remove it at once
        // (PhotoStoreSweeper), where a file without a mark waits out LeftoverFiles.SharedMinimumAge.
        var marker = PlacingMarker(staged, contentType);
        File.Create(marker).Dispose();
        try
        {
            File.Move(staged.TempPath, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another upload of the same bytes got there first.
            File.Delete(staged.TempPath);
            File.Delete(marker);
            return false;
        }
    }

    /// <summary>The row of a file <see cref="Commit"/> placed is stored, or the file was taken back: its marker goes.</summary>
    public void Placed(StagedFile staged, string contentType) => File.Delete(PlacingMarker(staged, contentType));

    /// <summary>tmp/{node mark}{guid}.{sha256}{.ext}.placing (<see cref="ParsePlacingMarker"/> reads it back).</summary>
    private static string PlacingMarker(StagedFile staged, string contentType) =>
        $"{staged.TempPath}.{staged.Sha256}{PhotoContentTypes.Extension(contentType)}{PlacingSuffix}";

    public const string PlacingSuffix = ".placing";

    /// <summary>The SHA-256 and extension of the photo file a marker names, or null for another file.</summary>
    public static (string Sha256, string Extension)? ParsePlacingMarker(string markerPath)
    {
        var parts = Path.GetFileName(markerPath).Split('.');
        return parts is [_, var sha256, var extension, "placing"] && sha256.Length == 64 ? (sha256, "." + extension) : null;
    }

    /// <summary>Takes back a file <see cref="Commit"/> placed when its row could not be stored.</summary>
    public void Uncommit(string sha256, string contentType) => File.Delete(PhotoPath(sha256, contentType));

    public static void Discard(StagedFile staged) => File.Delete(staged.TempPath);

    public string PhotoPath(string sha256, string contentType) =>
        Path.Combine(options.PhotosPath, sha256[..2], sha256 + PhotoContentTypes.Extension(contentType));

    public string ThumbnailPath(string sha256) => Path.Combine(options.ThumbnailsPath, sha256[..2], sha256 + ".jpg");

    /// <summary>The keypoint features found for a stored photo (keypoints/ab/abcdef….orb), written once by the embedding job.</summary>
    public string KeypointsPath(string sha256) => Path.Combine(options.KeypointsPath, sha256[..2], sha256 + ".orb");

    /// <summary>
    /// Writes a file next to its destination, then renames it over, so readers see all of it or nothing. A temp file in
    /// the photo store carries the writing node's mark (<paramref name="nodeTag"/>), for the sweep after a crash.
    /// </summary>
    public static async Task WriteAtomicallyAsync(string path, byte[] bytes, CancellationToken cancellationToken, string nodeTag = "")
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + nodeTag + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temp, bytes, cancellationToken);
        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>Content types of the photo formats the decoder accepts; anything else is served as plain bytes.</summary>
public static class PhotoContentTypes
{
    public static string FromDecoderFormat(string format) => format.ToUpperInvariant() switch
    {
        "JPEG" or "JPG" => "image/jpeg",
        "PNG" => "image/png",
        "WEBP" => "image/webp",
        "GIF" => "image/gif",
        "BMP" => "image/bmp",
        _ => "application/octet-stream",
    };

    public static string Extension(string contentType) => contentType switch
    {
        "image/jpeg" => ".jpg",
        "image/png" => ".png",
        "image/webp" => ".webp",
        "image/gif" => ".gif",
        "image/bmp" => ".bmp",
        _ => ".bin",
    };
}
