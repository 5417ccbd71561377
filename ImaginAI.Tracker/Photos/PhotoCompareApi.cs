using System.Security.Claims;
using ImaginAI.Tracker.Errors;
using ImaginAI.Tracker.Matching;
using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Security;
using ImaginAI.Vision.Verification;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace ImaginAI.Tracker.Photos;

/// <summary>A keypoint match for drawing: positions as fractions (0..1) of each photo's width and height.</summary>
public sealed record KeypointLine(float BeforeX, float BeforeY, float AfterX, float AfterY);

/// <summary>
/// SamePlace: whether the two photos plausibly show the same place, by the rule that decides matches: at least the
/// project's minimum of inliers where keypoints can be checked, else a CNN score of at least its threshold.
/// </summary>
public sealed record CompareJson(
    long PhotoId, long OtherId, bool VerificationAvailable, string? UnavailableReason, int Matches, int Inliers,
    bool Aligned, string AlignedUrl, IReadOnlyList<KeypointLine> Lines, bool SamePlace, int MinInliers);

/// <summary>
/// Before/after of two photos: "before" (<c>otherId</c>, the earlier one) against "after" (<c>photoId</c>): keypoint
/// inlier lines, and "before" warped onto "after" when a homography was found. Both photos must be visible to the
/// caller. The keypoints are verified exactly as the matching job verified them (the stored features, the new photo
/// against the earlier one), so a pair shows the same inlier count here as in the job's explanation.
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
        long photoId, long otherId, ClaimsPrincipal user, ProjectAccess access, PhotoRepository photos, ProjectRepository projects,
        PhotoVerifier verifier, IOptions<MatchingOptions> matching, CancellationToken cancellationToken)
    {
        if (!await access.HasForPhotoAsync(user, otherId, ProjectPermission.View)) return Problems.NoSuchPhoto(otherId);
        if (await photos.GetByIdAsync(photoId) is not { } photo) return Problems.NoSuchPhoto(photoId);
        var settings = await projects.GetMatchSettingsAsync(photo.ProjectId);
        var minInliers = settings?.MinInliers ?? new MatchRuleSettings().MinInliers;
        var alignedUrl = $"/api/photos/{photoId}/compare/{otherId}/aligned.jpg";
        if (!PhotoVerifier.IsAvailable)
        {
            var threshold = settings?.MatchThreshold ?? matching.Value.DefaultThreshold;
            var samePlace = photo.MatchedPhotoId == otherId && photo.MatchScore >= threshold;
            return TypedResults.Ok(new CompareJson(photoId, otherId, false, PhotoVerifier.UnavailableReason, 0, 0, false, alignedUrl, [], samePlace, minInliers));
        }
        if (await VerifyAsync(verifier, photoId, otherId, cancellationToken) is not var (after, before, result))
            return Problems.NotFound("One of the two photos could not be read from the server's storage.");
        var lines = result.Pairs.Where(p => p.IsInlier).Select(p => new KeypointLine(
            p.BX / before.Width, p.BY / before.Height, p.AX / after.Width, p.AY / after.Height)).ToList();
        return TypedResults.Ok(new CompareJson(photoId, otherId, true, null, result.Matches, result.Inliers,
            result.Homography is not null, alignedUrl, lines, result.Inliers >= minInliers, minInliers));
    }

    // The matching job's verification of the pair: stored features, the new photo first.
    private static async Task<(PhotoKeypoints After, PhotoKeypoints Before, VerificationResult Result)?> VerifyAsync(
        PhotoVerifier verifier, long photoId, long otherId, CancellationToken cancellationToken) =>
        await verifier.DescribeAsync(photoId, cancellationToken) is { } after && await verifier.DescribeAsync(otherId, cancellationToken) is { } before
            ? (after, before, verifier.Verify(after, before))
            : null;

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetAlignedAsync(
        long photoId, long otherId, HttpContext http, ClaimsPrincipal user, ProjectAccess access, PhotoVerifier verifier,
        CancellationToken cancellationToken)
    {
        if (!await access.HasForPhotoAsync(user, otherId, ProjectPermission.View)) return Problems.NoSuchPhoto(otherId);
        var verified = PhotoVerifier.IsAvailable ? await VerifyAsync(verifier, photoId, otherId, cancellationToken) : null;
        if (await verifier.DecodePairAsync(otherId, photoId, cancellationToken) is not var (before, after))
            return Problems.NotFound("One of the two photos could not be read from the server's storage.");
        using (before)
        using (after)
        {
            var homography = verified is var (afterKeypoints, beforeKeypoints, result) && result.Homography is { } h
                ? BeforeOntoAfter(h, beforeKeypoints, afterKeypoints, before.Bitmap, after.Bitmap)
                : null;
            // Without a homography (no shared viewpoint found, or OpenCV missing) "before" is only fitted to the frame.
            using var frame = homography is null ? Stretch(before.Bitmap, after.Bitmap.Width, after.Bitmap.Height)
                                                 : KeypointVerifier.WarpOnto(before, after, homography);
            http.Response.Headers["X-Aligned"] = homography is null ? "false" : "true";
            // Both photos' bytes never change, so neither does the result.
            http.Response.Headers.CacheControl = "private, max-age=86400";
            return TypedResults.File(ImaginAI.Vision.Decoding.PhotoDecoder.EncodeJpeg(frame, AlignedMaxSide, AlignedQuality), "image/jpeg");
        }
    }

    /// <summary>
    /// The verification's homography maps the new photo onto the earlier one, in the pixels of the decodes its
    /// features were found in; warping needs the reverse, in the pixels of the decodes at hand (the same size unless
    /// the features were found at another scale).
    /// </summary>
    private static double[] BeforeOntoAfter(double[] afterToBefore, PhotoKeypoints beforeKeypoints, PhotoKeypoints afterKeypoints, SKBitmap before, SKBitmap after)
    {
        var inverse = Invert(afterToBefore);
        var (sx, sy) = ((double)after.Width / afterKeypoints.Width, (double)after.Height / afterKeypoints.Height);
        var (tx, ty) = ((double)beforeKeypoints.Width / before.Width, (double)beforeKeypoints.Height / before.Height);
        // diag(sx, sy, 1) · inverse · diag(tx, ty, 1)
        var scaled = new double[9];
        for (var r = 0; r < 3; r++)
            for (var c = 0; c < 3; c++)
                scaled[r * 3 + c] = inverse[r * 3 + c] * (r == 0 ? sx : r == 1 ? sy : 1) * (c == 0 ? tx : c == 1 ? ty : 1);
        return scaled;
    }

    private static double[] Invert(double[] m)
    {
        var cofactors = new[]
        {
            m[4] * m[8] - m[5] * m[7], m[2] * m[7] - m[1] * m[8], m[1] * m[5] - m[2] * m[4],
            m[5] * m[6] - m[3] * m[8], m[0] * m[8] - m[2] * m[6], m[2] * m[3] - m[0] * m[5],
            m[3] * m[7] - m[4] * m[6], m[1] * m[6] - m[0] * m[7], m[0] * m[4] - m[1] * m[3],
        };
        var determinant = m[0] * cofactors[0] + m[1] * cofactors[3] + m[2] * cofactors[6];
        return cofactors.Select(c => c / determinant).ToArray();
    }

    private static SKBitmap Stretch(SKBitmap source, int width, int height) =>
        source.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))
        ?? throw new InvalidOperationException("The earlier photo could not be resized.");
}
