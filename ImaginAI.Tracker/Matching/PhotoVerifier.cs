using ImaginAI.Tracker.Photos;
using ImaginAI.Vision;
using ImaginAI.Vision.Decoding;
using ImaginAI.Vision.Verification;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Matching;

/// <summary>
/// Keypoint verification of stored photos. Their features are found once, by the embedding job from the same decode
/// that feeds the model, and kept in memory and in a file keyed by the photo's SHA-256; photos stored earlier are
/// decoded at reduced scale (the verifier works at a long side of <see cref="VerificationOptions.MaxSide"/>, so
/// full-size decoding would be wasted) the first time they are needed.
/// </summary>
public sealed class PhotoVerifier(PhotoRepository photos, PhotoFileStore store, IOptions<VisionOptions> vision,
    ImaginAI.Tracker.Vision.FeatureExtractorProvider extractors, ILogger<PhotoVerifier> logger) : IDisposable
{
    /// <summary>
    /// Memory the cached features may take: about 330 KB a photo (the strongest keypoints and the spread set for the
    /// second pass), so some 600 reference photos.
    /// </summary>
    public const long KeypointCacheBytes = 200L * 1024 * 1024;

    private readonly KeypointVerifier verifier = new();

    // A milestone's reference photos are verified again for every new photo that may match them. A stored file never
    // changes (it is named by its SHA-256), so its features are found once and kept, keyed by that hash.
    private readonly MemoryCache keypointCache = new(new MemoryCacheOptions { SizeLimit = KeypointCacheBytes });

    public static bool IsAvailable => KeypointVerifier.IsAvailable;

    public static string? UnavailableReason => KeypointVerifier.UnavailableReason;

    /// <summary>
    /// Verifies the photo against each reference photo; a reference that cannot be read is left out (not
    /// verified) rather than counted as a rejection. Empty when verification is unavailable.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, PairCheck>> CheckAsync(long photoId, IReadOnlyCollection<long> referencePhotoIds, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<long, PairCheck>();
        if (!IsAvailable || referencePhotoIds.Count == 0) return counts;
        var photo = await DescribeAsync(photoId, cancellationToken);
        if (photo is null) return counts;
        var references = new List<(long Id, PhotoKeypoints Keypoints)>();
        foreach (var referenceId in referencePhotoIds)
            if (await DescribeAsync(referenceId, cancellationToken) is { } reference) references.Add((referenceId, reference));
        // The candidates are independent: verified side by side, one photo's decision waits for its slowest
        // candidate instead of the sum of them.
        var inliers = new PairCheck[references.Count];
        Parallel.For(0, references.Count, i => inliers[i] = PairCheck.From(verifier.Verify(photo, references[i].Keypoints)));
        for (var i = 0; i < references.Count; i++) counts[references[i].Id] = inliers[i] with { ReferencePhotoId = references[i].Id };
        return counts;
    }

    /// <summary>
    /// The <paramref name="modelId"/> vector and the layout of a copy of the stored photo with its keypoint-dense part
    /// painted over (<see cref="BusyRegionFill"/>), or null when its keypoints do not bunch on a part of it, it cannot be read,
    /// or the loaded model is another (a re-embedding in progress).
    /// </summary>
    public async Task<FilledCopy?> FilledCopyAsync(long photoId, string modelId, CancellationToken cancellationToken)
    {
        if (!extractors.TryGet(out var extractor, out _) || extractor!.Model.Id != modelId) return null;
        if (await DescribeAsync(photoId, cancellationToken) is not { } keypoints
            || BusyRegionFill.BusyCells(keypoints, verifier.Options) is not { } busy) return null;
        using var decoded = await DecodeStoredAsync(photoId, cancellationToken, BusyRegionFill.WorkingSide);
        if (decoded is null) return null;
        using var filled = BusyRegionFill.Fill(decoded, busy);
        return new FilledCopy(extractor.Extract(filled).Values, PhotoLayout.Of(filled));
    }

    /// <summary>The layout of a stored photo (null when it cannot be read).</summary>
    public async Task<PhotoLayout?> LayoutAsync(long photoId, CancellationToken cancellationToken)
    {
        if (await photos.GetByIdAsync(photoId) is not { } photo) return null;
        // A reference photo's layout is asked for again at each decision without keypoints in its project: kept
        // beside its keypoints, under its own key.
        var key = "layout:" + photo.Sha256;
        if (keypointCache.TryGetValue(key, out PhotoLayout? cached)) return cached;
        using var decoded = await DecodeStoredAsync(photo, cancellationToken, PhotoLayout.WorkingSide);
        if (decoded is null) return null;
        var layout = PhotoLayout.Of(decoded);
        keypointCache.Set(key, layout, new MemoryCacheEntryOptions { Size = PhotoLayout.SizeInBytes });
        return layout;
    }

    /// <summary>
    /// How well <paramref name="layout"/> agrees with the best of <paramref name="referencePhotoIds"/>; null when none
    /// can be read.
    /// </summary>
    public async Task<float?> LayoutAgreementAsync(PhotoLayout layout, IEnumerable<long> referencePhotoIds, CancellationToken cancellationToken)
    {
        float? best = null;
        foreach (var referenceId in referencePhotoIds)
            if (await LayoutAsync(referenceId, cancellationToken) is { } reference)
                best = Math.Max(best ?? -1f, layout.AgreementWith(reference));
        return best;
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

    /// <summary>
    /// The features of a stored photo: from memory, else from the file the embedding job wrote beside it, else (a
    /// photo stored before features were kept, or a lost file) found once from the photo and written for next time.
    /// </summary>
    public async Task<PhotoKeypoints?> DescribeAsync(long photoId, CancellationToken cancellationToken)
    {
        if (!IsAvailable || await photos.GetByIdAsync(photoId) is not { } photo) return null;
        if (keypointCache.TryGetValue(photo.Sha256, out PhotoKeypoints? cached)) return cached;
        if (await ReadStoredAsync(photo.Sha256, cancellationToken) is { } stored)
        {
            Cache(photo.Sha256, stored);
            return stored;
        }
        using var decoded = await DecodeStoredAsync(photo, cancellationToken);
        if (decoded is null || verifier.Describe(decoded) is not { } keypoints) return null;
        await KeepAsync(photo.Sha256, keypoints, cancellationToken);
        return keypoints;
    }

    /// <summary>
    /// How the embedding job decodes a photo when it also finds its features (<see cref="DescribeForStorage"/>):
    /// at the size verification needs, which is never smaller than the model's input needs.
    /// </summary>
    public DecodeOptions DecodeOptionsFor(DecodeOptions model) => model with
    {
        MinShortSide = Math.Max(model.MinShortSide ?? 0, verifier.Options.MaxSide),
    };

    /// <summary>Finds the features of a photo decoded by the embedding job (null when verification is unavailable).</summary>
    public PhotoKeypoints? DescribeForStorage(DecodedPhoto photo) => verifier.Describe(photo);

    /// <summary>Whether a stored photo's features are already kept (a re-embedding need not find them again).</summary>
    public bool IsKept(string sha256) => keypointCache.TryGetValue(sha256, out _) || File.Exists(store.KeypointsPath(sha256));

    /// <summary>
    /// Keeps a stored photo's features in memory and in a file named by its SHA-256 (the file never changes, so
    /// neither do its features): matching then never decodes it, and a restart does not find them again.
    /// </summary>
    public async Task KeepAsync(string sha256, PhotoKeypoints keypoints, CancellationToken cancellationToken)
    {
        Cache(sha256, keypoints);
        using var buffer = new MemoryStream((int)keypoints.SizeInBytes + 64);
        keypoints.Write(buffer);
        try
        {
            await PhotoFileStore.WriteAtomicallyAsync(store.KeypointsPath(sha256), buffer.ToArray(), cancellationToken, store.NodeTag);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only a cache: the features are found again from the photo when needed.
            logger.LogWarning(e, "The keypoint features of {Sha256} could not be written", sha256);
        }
    }

    private async Task<PhotoKeypoints?> ReadStoredAsync(string sha256, CancellationToken cancellationToken)
    {
        try
        {
            return PhotoKeypoints.Read(await File.ReadAllBytesAsync(store.KeypointsPath(sha256), cancellationToken));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private void Cache(string sha256, PhotoKeypoints keypoints) =>
        keypointCache.Set(sha256, keypoints, new MemoryCacheEntryOptions { Size = keypoints.SizeInBytes });

    private async Task<DecodedPhoto?> DecodeStoredAsync(long photoId, CancellationToken cancellationToken, int? minShortSide = null) =>
        await photos.GetByIdAsync(photoId) is { } photo ? await DecodeStoredAsync(photo, cancellationToken, minShortSide) : null;

    // minShortSide: decode only this large (JPEG DCT scaling); verification's working size when null.
    private async Task<DecodedPhoto?> DecodeStoredAsync(Photo photo, CancellationToken cancellationToken, int? minShortSide = null)
    {
        var photoId = photo.Id;
        var path = store.PhotoPath(photo.Sha256, photo.ContentType);
        try
        {
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            return minShortSide is { } side
                ? PhotoDecoder.Decode(bytes, new DecodeOptions { MinShortSide = side, MaxPixels = vision.Value.MaxPixels })
                : Decode(bytes);
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

/// <summary>A photo with its keypoint-dense part painted over: its CNN vector and its layout.</summary>
public sealed record FilledCopy(float[] Vector, PhotoLayout Layout);
