using System.Security.Claims;
using ImaginAI.Tracker.Errors;
using ImaginAI.Tracker.Matching;
using ImaginAI.Tracker.Security;
using ImaginAI.Vision.Verification;
using Microsoft.AspNetCore.Http.HttpResults;
using SkiaSharp;

namespace ImaginAI.Tracker.Photos;

/// <summary>A keypoint match for drawing: positions as fractions (0..1) of each photo's width and height.</summary>
public sealed record KeypointLine(float BeforeX, float BeforeY, float AfterX, float AfterY);

public sealed record CompareJson(
    long PhotoId, long OtherId, bool VerificationAvailable, string? UnavailableReason, int Matches, int Inliers,
    bool Aligned, string AlignedUrl, IReadOnlyList<KeypointLine> Lines);

/// <summary>
/// Before/after of two photos: "before" (<c>otherId</c>, the earlier one) against "after" (<c>photoId</c>): keypoint
/// inlier lines, and "before" warped onto "after" when a homography was found. Both photos must be visible to the caller.
/// </summary>
public static class PhotoCompareApi
{
    private const int AlignedMaxSide = 1600;
    private const int AlignedQuality = 85;

    public static RouteGroupBuilder MapPhotoCompare(this RouteGroupBuilder photos)
    {
        photos.MapGet("/{photoId:long}/compare/{otherId:long}", GetComparisonAsync).ProducesProblem(StatusCodes.Status404NotFound);
        photos.MapGet("/{photoId:long}/compare/{otherId:long}/aligned.jpg", GetAlignedAsync).Produces(StatusCodes.Status200OK, typeof(Stream), "image/jpeg")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return photos;
    }

    private static async Task<Results<Ok<CompareJson>, ProblemHttpResult>> GetComparisonAsync(
        long photoId, long otherId, ClaimsPrincipal user, ProjectAccess access, PhotoVerifier verifier, CancellationToken cancellationToken)
    {
        if (!await access.HasForPhotoAsync(user, otherId, ProjectPermission.View)) return Problems.NoSuchPhoto(otherId);
        var alignedUrl = $"/api/photos/{photoId}/compare/{otherId}/aligned.jpg";
        if (!PhotoVerifier.IsAvailable)
            return TypedResults.Ok(new CompareJson(photoId, otherId, false, PhotoVerifier.UnavailableReason, 0, 0, false, alignedUrl, []));
        if (await verifier.DecodePairAsync(otherId, photoId, cancellationToken) is not var (before, after))
            return Problems.NotFound("One of the two photos could not be read from the server's storage.");
        using (before)
        using (after)
        {
            var result = verifier.Verify(before, after);
            var lines = result.Pairs.Where(p => p.IsInlier).Select(p => new KeypointLine(
                p.AX / before.Bitmap.Width, p.AY / before.Bitmap.Height, p.BX / after.Bitmap.Width, p.BY / after.Bitmap.Height)).ToList();
            return TypedResults.Ok(new CompareJson(photoId, otherId, true, null, result.Matches, result.Inliers,
                result.Homography is not null, alignedUrl, lines));
        }
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetAlignedAsync(
        long photoId, long otherId, HttpContext http, ClaimsPrincipal user, ProjectAccess access, PhotoVerifier verifier,
        CancellationToken cancellationToken)
    {
        if (!await access.HasForPhotoAsync(user, otherId, ProjectPermission.View)) return Problems.NoSuchPhoto(otherId);
        if (await verifier.DecodePairAsync(otherId, photoId, cancellationToken) is not var (before, after))
            return Problems.NotFound("One of the two photos could not be read from the server's storage.");
        using (before)
        using (after)
        {
            var homography = PhotoVerifier.IsAvailable ? verifier.Verify(before, after).Homography : null;
            // Without a homography (no shared viewpoint found, or OpenCV missing) "before" is only fitted to the frame.
            using var frame = homography is null ? Stretch(before.Bitmap, after.Bitmap.Width, after.Bitmap.Height)
                                                 : KeypointVerifier.WarpOnto(before, after, homography);
            http.Response.Headers["X-Aligned"] = homography is null ? "false" : "true";
            // Both photos' bytes never change, so neither does the result.
            http.Response.Headers.CacheControl = "private, max-age=86400";
            return TypedResults.File(ImaginAI.Vision.Decoding.PhotoDecoder.EncodeJpeg(frame, AlignedMaxSide, AlignedQuality), "image/jpeg");
        }
    }

    private static SKBitmap Stretch(SKBitmap source, int width, int height) =>
        source.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))
        ?? throw new InvalidOperationException("The earlier photo could not be resized.");
}
