using System.Security.Claims;
using ImaginAI.Tracker.Errors;
using ImaginAI.Tracker.Matching;
using ImaginAI.Tracker.Security;
using ImaginAI.Vision.Alignment;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Caching.Memory;
using SkiaSharp;

namespace ImaginAI.Tracker.Photos;

/// <summary>A changed region as fractions (0..1) of the later photo, and its share of the area both photos show.</summary>
public sealed record ChangeRegionJson(float X, float Y, float Width, float Height, double Share);

/// <summary>
/// What changed between the earlier photo (<c>otherId</c>) and this one, after aligning them. <c>aligned</c> is false
/// when no shared viewpoint was found (then nothing is judged and <c>reason</c> says why). <c>overlayUrl</c> is a
/// transparent PNG to lay over this photo (empty when they are not aligned).
/// </summary>
public sealed record ChangesJson(
    long PhotoId, long OtherId, bool Aligned, string? Reason, IReadOnlyList<ChangeRegionJson> Regions, double ChangedShare,
    double OverlapShare, string OverlayUrl);

/// <summary>
/// The "what changed" overlay of the photo page's before/after: change detection after alignment
/// (<see cref="ChangeDetector"/>), computed once per pair and kept in memory for the PNG that follows the JSON.
/// </summary>
public sealed class PhotoChanges(PhotoVerifier verifier) : IDisposable
{
    private sealed record Found(ChangesJson Json, byte[] Png);

    // Where nothing could be compared, nothing is marked: one transparent pixel.
    private static readonly Lazy<byte[]> Nothing = new(() =>
    {
        using var bitmap = new SKBitmap(new SKImageInfo(1, 1, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.Erase(SKColors.Transparent);
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    });

    // Both photos' files never change, so neither does the answer; the page asks for the JSON, then the PNG.
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 16L * 1024 * 1024 });

    public async Task<(ChangesJson Json, byte[] Png)?> GetAsync(long photoId, long otherId, CancellationToken cancellationToken)
    {
        var key = (photoId, otherId);
        if (cache.TryGetValue(key, out Found? found)) return (found!.Json, found.Png);
        var overlayUrl = $"/api/photos/{photoId}/compare/{otherId}/changes.png";
        if (!PhotoVerifier.IsAvailable)
            return (new ChangesJson(photoId, otherId, false, PhotoVerifier.UnavailableReason, [], 0, 0, overlayUrl), Nothing.Value);
        if (await verifier.DecodePairAsync(otherId, photoId, cancellationToken) is not var (before, after)) return null;
        using (before)
        using (after)
        {
            found = Detect(before, after, photoId, otherId, overlayUrl);
        }
        cache.Set(key, found, new MemoryCacheEntryOptions { Size = found.Png.Length + 1024, SlidingExpiration = TimeSpan.FromMinutes(30) });
        return (found.Json, found.Png);
    }

    private Found Detect(ImaginAI.Vision.Decoding.DecodedPhoto before, ImaginAI.Vision.Decoding.DecodedPhoto after, long photoId, long otherId, string overlayUrl)
    {
        if (verifier.Verify(before, after).Homography is not { } homography)
            return new Found(new ChangesJson(photoId, otherId, false, "No shared viewpoint was found between the two photos, so they cannot be compared spot by spot.",
                [], 0, 0, overlayUrl), Nothing.Value);
        var result = ChangeDetector.Detect(before.Bitmap, after.Bitmap, homography);
        using var overlay = result.RenderOverlay();
        using var image = SKImage.FromBitmap(overlay);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        var regions = result.Regions.Select(r => new ChangeRegionJson(r.X, r.Y, r.Width, r.Height, Math.Round(r.Share, 4))).ToList();
        return new Found(new ChangesJson(photoId, otherId, true, null, regions, Math.Round(result.ChangedShare, 4), Math.Round(result.OverlapShare, 4), overlayUrl),
            png.ToArray());
    }

    public void Dispose() => cache.Dispose();
}

public static class PhotoChangesApi
{
    public static RouteGroupBuilder MapPhotoChanges(this RouteGroupBuilder photos)
    {
        photos.MapGet("/{photoId:long}/compare/{otherId:long}/changes", GetChangesAsync).ProducesProblem(StatusCodes.Status404NotFound);
        photos.MapGet("/{photoId:long}/compare/{otherId:long}/changes.png", GetOverlayAsync).Produces(StatusCodes.Status200OK, typeof(Stream), "image/png")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return photos;
    }

    private static async Task<Results<Ok<ChangesJson>, ProblemHttpResult>> GetChangesAsync(
        long photoId, long otherId, ClaimsPrincipal user, ProjectAccess access, PhotoChanges changes, CancellationToken cancellationToken)
    {
        if (!await access.HasForPhotoAsync(user, otherId, ProjectPermission.View)) return Problems.NoSuchPhoto(otherId);
        return await changes.GetAsync(photoId, otherId, cancellationToken) is { } found
            ? TypedResults.Ok(found.Json)
            : Problems.NotFound("One of the two photos could not be read from the server's storage.");
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetOverlayAsync(
        long photoId, long otherId, HttpContext http, ClaimsPrincipal user, ProjectAccess access, PhotoChanges changes, CancellationToken cancellationToken)
    {
        if (!await access.HasForPhotoAsync(user, otherId, ProjectPermission.View)) return Problems.NoSuchPhoto(otherId);
        if (await changes.GetAsync(photoId, otherId, cancellationToken) is not { } found)
            return Problems.NotFound("One of the two photos could not be read from the server's storage.");
        http.Response.Headers.CacheControl = "private, max-age=86400";
        return TypedResults.File(found.Png, "image/png");
    }
}
