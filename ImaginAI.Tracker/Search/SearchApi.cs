using System.Globalization;
using System.Security.Claims;
using ImaginAI.Tracker.ApiDocs;
using ImaginAI.Tracker.Data;
using ImaginAI.Tracker.Errors;
using ImaginAI.Tracker.Matching;
using ImaginAI.Tracker.Photos;
using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Security;
using ImaginAI.Tracker.Vision;
using ImaginAI.Vision;
using ImaginAI.Vision.Decoding;
using ImaginAI.Vision.Vectors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace ImaginAI.Tracker.Search;

/// <summary>
/// One photo found. Beside the score against the query it carries what its thumbnail's caption says everywhere else:
/// status, how its milestone was set (and the milestone score behind an automatic match) and who uploaded it.
/// </summary>
public sealed record SearchResult(
    long PhotoId, long ProjectId, double Score, bool Verified, int? Inliers, long? MilestoneId, DateTimeOffset TakenAt,
    string FileName, string ProjectName, string? MilestoneName, string ThumbnailUrl,
    string Status, string? MilestoneSource, double? MilestoneScore, MemberRef? UploadedBy);

public sealed record SearchResponse(string Model, bool VerificationAvailable, IReadOnlyList<SearchResult> Results);

/// <summary>
/// POST /api/search: the photos most like an uploaded one, over the projects the caller may see. The query photo is
/// only held in memory for the request: nothing is written to the data directory or the database.
/// </summary>
/// <summary>The search form as the OpenAPI document describes it: the photo, and optionally a project, k and a region "x,y,w,h".</summary>
public sealed record SearchForm(IFormFile File, long? ProjectId, int? K, string? Region);

public static class SearchApi
{
    public const int DefaultResults = 10;
    public const int MaxResults = 50;

    /// <summary>How many of the best results are verified with keypoints (verification is CPU-heavy).</summary>
    public const int VerifiedResults = 3;

    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        // Any signed-in user (the fallback policy); results are limited to the projects they may see.
        app.MapPost("/api/search", SearchAsync).RequireRateLimiting(SearchConcurrencyPolicy.Name)
            // The handler reads the form itself (to cap its size first), so the contract is declared here.
            .DocumentsForm<SearchForm>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            // From the concurrency limiter, before the handler runs (SearchConcurrencyPolicy).
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    private static async Task<Results<Ok<SearchResponse>, ProblemHttpResult>> SearchAsync(
        HttpContext http, ClaimsPrincipal user, ProjectAccess access, ProjectRepository projects, PhotoRepository photos,
        FeatureExtractorProvider vision, VectorIndexRegistry indexes, PhotoVerifier verifier, IOptions<StorageOptions> storage,
        IOptions<VisionOptions> visionOptions, CancellationToken cancellationToken)
    {
        if (!http.Request.HasFormContentType)
            return Problems.BadRequest("No photo", "Send the photo to search with as a form upload (multipart/form-data) in the field \"file\".");
        // Kestrel's default body limit (30 MB) is below the photo size uploads accept; search takes what upload takes.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
            bodySize.MaxRequestBodySize = storage.Value.MaxUploadBytes + 1024 * 1024;
        var form = await http.Request.ReadFormAsync(cancellationToken);
        if (form.Files.GetFile("file") is not { Length: > 0 } file)
            return Problems.BadRequest("No photo", "Choose a photo to search with (form field \"file\").");
        if (file.Length > storage.Value.MaxUploadBytes)
            return TypedResults.Problem($"The photo is {file.Length / 1048576.0:0.#} MB; the most the tracker accepts is {storage.Value.MaxUploadBytes / 1048576.0:0.#} MB.",
                statusCode: StatusCodes.Status413PayloadTooLarge, title: "Photo too large");

        var k = DefaultResults;
        if (form["k"].ToString() is { Length: > 0 } kText && (!int.TryParse(kText, NumberStyles.None, CultureInfo.InvariantCulture, out k) || k is < 1 or > MaxResults))
            return Problems.BadRequest("Number of results not understood", $"Ask for between 1 and {MaxResults} results (got \"{kText}\").");

        var visible = await access.GetVisibleProjectIdsAsync(user);
        IReadOnlyList<long> projectIds;
        if (form["projectId"].ToString() is { Length: > 0 } projectText)
        {
            if (!long.TryParse(projectText, NumberStyles.None, CultureInfo.InvariantCulture, out var projectId)
                || !await projects.ExistsAsync(projectId) || (visible is not null && !visible.Contains(projectId)))
                return Problems.NotFound($"There is no project {projectText} that you can see.");
            projectIds = [projectId];
        }
        else projectIds = visible?.ToList() ?? (await projects.GetAllAsync()).Select(p => p.Id).ToList();

        if (!vision.TryGet(out var extractor, out var modelError))
            return TypedResults.Problem(modelError, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Search is not available");

        byte[] bytes;
        await using (var stream = file.OpenReadStream())
        using (var buffer = new MemoryStream((int)file.Length))
        {
            await stream.CopyToAsync(buffer, cancellationToken);
            bytes = buffer.ToArray();
        }

        DecodedPhoto decoded;
        try
        {
            decoded = verifier.Decode(bytes, visionOptions.Value.MinPhotoSide);
        }
        catch (PhotoDecodeException e)
        {
            return Problems.BadRequest(e.Reason switch
            {
                PhotoDecodeError.TooSmall => "Photo too small",
                PhotoDecodeError.TooManyPixels => "Photo too large",
                _ => "Not a photo we can read",
            }, e.Message);
        }
        using (decoded)
        {
            DecodedPhoto query = decoded;
            if (form["region"].ToString() is { Length: > 0 } regionText)
            {
                var header = decoded.Header;
                var (sentWidth, sentHeight) = header.ExifOrientation >= 5 ? (header.Height, header.Width) : (header.Width, header.Height);
                if (SearchRegion.Parse(regionText, decoded.Bitmap.Width, decoded.Bitmap.Height, sentWidth, sentHeight) is not { } region)
                    return Problems.BadRequest("Region not understood",
                        "Give the region as x,y,w,h: either fractions of the photo (0 to 1, e.g. 0.25,0.25,0.5,0.5) or pixels of the upright photo, inside the photo and at least 16 pixels each way.");
                query = region.Crop(decoded);
            }
            try
            {
                // One decode serves the vector, the region and the keypoints.
                var vector = extractor!.Extract(query);
                return TypedResults.Ok(await RunAsync(query, vector, k, projectIds, extractor, indexes, photos, projects, verifier, cancellationToken));
            }
            finally
            {
                if (!ReferenceEquals(query, decoded)) query.Dispose();
            }
        }
    }

    private static async Task<SearchResponse> RunAsync(
        DecodedPhoto query, FeatureVector vector, int k, IReadOnlyList<long> projectIds, ImaginAI.Vision.IFeatureExtractor extractor,
        VectorIndexRegistry indexes, PhotoRepository photos, ProjectRepository projects, PhotoVerifier verifier,
        CancellationToken cancellationToken)
    {
        var model = extractor.Model;
        await indexes.EnsureLoadedAsync(model.Id, model.Dims);
        // Deleted photos keep their vectors for 30 days (they can be restored) but are never found.
        var deleted = await photos.GetDeletedIdsAsync(projectIds);
        var hits = indexes.Search(model.Id, model.Dims, vector.Values, k, projectIds, id => !deleted.Contains(id));

        var results = new List<SearchResult>();
        var projectNames = new Dictionary<long, (string Name, int MinInliers)>();
        var queryKeypoints = PhotoVerifier.IsAvailable ? verifier.Describe(query) : null;
        foreach (var hit in hits)
        {
            if (await photos.GetByIdAsync(hit.Id) is not { } photo) continue;
            if (!projectNames.TryGetValue(photo.ProjectId, out var project))
            {
                var row = await projects.GetByIdAsync(photo.ProjectId);
                project = projectNames[photo.ProjectId] = (row?.Name ?? "", row?.MinInliers ?? new MatchRuleSettings().MinInliers);
            }
            int? inliers = null;
            if (queryKeypoints is not null && results.Count < VerifiedResults)
            {
                var stored = await verifier.DescribeAsync(photo.Id, cancellationToken);
                if (stored is not null) inliers = verifier.Verify(queryKeypoints, stored).Inliers;
            }
            results.Add(new SearchResult(photo.Id, photo.ProjectId, Math.Round(hit.Score, 4), inliers >= project.MinInliers, inliers,
                photo.MilestoneId, photo.TakenAt, photo.FileName, project.Name, photo.MilestoneName, $"/api/photos/{photo.Id}/thumbnail",
                photo.Status, photo.MilestoneSource, photo.MilestoneScore,
                photo.UploadedBy is { } uploader ? new MemberRef(uploader, photo.UploaderEmail) : null));
        }
        return new SearchResponse(model.Id, PhotoVerifier.IsAvailable, results);
    }
}

/// <summary>A rectangle of the query photo, in its upright pixels.</summary>
public readonly record struct SearchRegion(int X, int Y, int Width, int Height)
{
    private const int MinSide = 16;

    /// <summary>
    /// "x,y,w,h": when every value is at most 1 they are fractions of the photo's width and height, otherwise pixels
    /// of the upright photo as sent. Null when malformed, outside the photo or smaller than 16 pixels either way.
    /// </summary>
    public static SearchRegion? Parse(string text, int photoWidth, int photoHeight, int? sentWidth = null, int? sentHeight = null)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 4) return null;
        var values = new double[4];
        for (var i = 0; i < 4; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || values[i] < 0 || !double.IsFinite(values[i]))
                return null;
        var fractions = values.All(v => v <= 1);
        // Pixels refer to the photo as sent; decoding may have reduced it.
        var (scaleX, scaleY) = fractions
            ? (photoWidth, photoHeight)
            : ((double)photoWidth / (sentWidth ?? photoWidth), (double)photoHeight / (sentHeight ?? photoHeight));
        // Checked as doubles before any cast: 1e300 pixels would wrap an int and pass the bounds check.
        var (x, y) = (Math.Round(values[0] * scaleX), Math.Round(values[1] * scaleY));
        var (w, h) = (Math.Round(values[2] * scaleX), Math.Round(values[3] * scaleY));
        if (x + w > photoWidth || y + h > photoHeight) return null;
        return w < MinSide || h < MinSide ? null : new SearchRegion((int)x, (int)y, (int)w, (int)h);
    }

    public DecodedPhoto Crop(DecodedPhoto photo)
    {
        var cropped = new SKBitmap(new SKImageInfo(Width, Height, photo.Bitmap.ColorType, photo.Bitmap.AlphaType));
        if (!photo.Bitmap.ExtractSubset(cropped, SKRectI.Create(X, Y, Width, Height)))
            throw new InvalidOperationException("The region could not be cut out of the photo.");
        var copy = cropped.Copy();
        cropped.Dispose();
        return new DecodedPhoto(copy, photo.Header, photo.Metadata);
    }
}
