using ImaginAI.Tracker.Photos;
using ImaginAI.Vision;
using ImaginAI.Vision.Decoding;
using ImaginAI.Vision.Verification;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Matching;

/// <summary>
/// Keypoint verification of stored photos: decodes them at reduced scale (the verifier works at a long side of
/// <see cref="VerificationOptions.MaxSide"/>, so full-size decoding would be wasted) and counts the inliers.
/// </summary>
public sealed class PhotoVerifier(PhotoRepository photos, PhotoFileStore store, IOptions<VisionOptions> vision, ILogger<PhotoVerifier> logger)
    : IDisposable
{
    /// <summary>Memory the cached features may take (about 100 KB a photo: some 600 reference photos).</summary>
    public const long KeypointCacheBytes = 64L * 1024 * 1024;

    private readonly KeypointVerifier verifier = new();

    // A milestone's reference photos are verified again for every new photo that may match them. A stored file never
    // changes (it is named by its SHA-256), so its features are found once and kept, keyed by that hash.
    private readonly MemoryCache keypointCache = new(new MemoryCacheOptions { SizeLimit = KeypointCacheBytes });

    public static bool IsAvailable => KeypointVerifier.IsAvailable;

    public static string? UnavailableReason => KeypointVerifier.UnavailableReason;

    /// <summary>
    /// Inliers between the photo and each reference photo; a reference that cannot be read is left out (not
    /// verified) rather than counted as a rejection. Empty when verification is unavailable.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, int>> CountInliersAsync(long photoId, IReadOnlyCollection<long> referencePhotoIds, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<long, int>();
        if (!IsAvailable || referencePhotoIds.Count == 0) return counts;
        var photo = await DescribeAsync(photoId, cancellationToken);
        if (photo is null) return counts;
        foreach (var referenceId in referencePhotoIds)
        {
            var reference = await DescribeAsync(referenceId, cancellationToken);
            if (reference is not null) counts[referenceId] = verifier.Verify(photo, reference).Inliers;
        }
        return counts;
    }

    /// <summary>
    /// Decodes two stored photos as verification sees them (null when either cannot be read). The caller disposes
    /// both.
    /// </summary>
    public async Task<(DecodedPhoto A, DecodedPhoto B)?> DecodePairAsync(long photoIdA, long photoIdB, CancellationToken cancellationToken)
    {
        var a = await DecodeStoredAsync(photoIdA, cancellationToken);
        if (a is null) return null;
        var b = await DecodeStoredAsync(photoIdB, cancellationToken);
        if (b is null)
        {
            a.Dispose();
            return null;
        }
        return (a, b);
    }

    /// <summary>Verifies two decoded photos (earlier first: the homography maps it onto the later one).</summary>
    public VerificationResult Verify(DecodedPhoto a, DecodedPhoto b) => verifier.Verify(a, b);

    /// <summary>Features of photo bytes that are not stored (a search query).</summary>
    public PhotoKeypoints? Describe(DecodedPhoto photo) => verifier.Describe(photo);

    public VerificationResult Verify(PhotoKeypoints a, PhotoKeypoints b) => verifier.Verify(a, b);

    /// <summary>The features of a stored photo, found once per file and then served from memory.</summary>
    public async Task<PhotoKeypoints?> DescribeAsync(long photoId, CancellationToken cancellationToken)
    {
        if (!IsAvailable || await photos.GetByIdAsync(photoId) is not { } photo) return null;
        if (keypointCache.TryGetValue(photo.Sha256, out PhotoKeypoints? cached)) return cached;
        using var decoded = await DecodeStoredAsync(photo, cancellationToken);
        if (decoded is null || verifier.Describe(decoded) is not { } keypoints) return null;
        keypointCache.Set(photo.Sha256, keypoints, new MemoryCacheEntryOptions { Size = keypoints.SizeInBytes });
        return keypoints;
    }

    private async Task<DecodedPhoto?> DecodeStoredAsync(long photoId, CancellationToken cancellationToken) =>
        await photos.GetByIdAsync(photoId) is { } photo ? await DecodeStoredAsync(photo, cancellationToken) : null;

    private async Task<DecodedPhoto?> DecodeStoredAsync(Photo photo, CancellationToken cancellationToken)
    {
        var photoId = photo.Id;
        var path = store.PhotoPath(photo.Sha256, photo.ContentType);
        try
        {
            return Decode(await File.ReadAllBytesAsync(path, cancellationToken));
        }
        catch (Exception e) when (e is IOException or PhotoDecodeException or UnauthorizedAccessException)
        {
            logger.LogWarning(e, "Photo {PhotoId} could not be read for keypoint verification", photoId);
            return null;
        }
    }

    /// <summary>Decodes at the scale verification works at; <paramref name="minSide"/> refuses smaller photos (a search query).</summary>
    public DecodedPhoto Decode(ReadOnlySpan<byte> bytes, int? minSide = null) =>
        PhotoDecoder.Decode(bytes, new DecodeOptions { MinShortSide = verifier.Options.MaxSide, MaxPixels = vision.Value.MaxPixels, MinSide = minSide });

    public void Dispose() => keypointCache.Dispose();
}
