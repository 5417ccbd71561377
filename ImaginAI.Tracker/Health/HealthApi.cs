using Dapper;
using ImaginAI.Tracker.Data;
using ImaginAI.Tracker.Matching;
using ImaginAI.Tracker.Photos;
using ImaginAI.Tracker.Vision;

namespace ImaginAI.Tracker.Health;

public static class HealthApi
{
    /// <summary>
    /// GET /health: {status, database:{ok, error?}, model:{name,id,dims,backend} | {error},
    /// verification:{available, reason}, photos:{pending,…}}.
    /// 200 when the database answers (status "degraded" while the model cannot load: uploads work, photos wait);
    /// 503 when it does not.
    /// </summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", async (TrackerDb db, PhotoRepository photos, FeatureExtractorProvider vision) =>
        {
            string? databaseError = null;
            IReadOnlyDictionary<string, int>? counts = null;
            try
            {
                await using (var connection = await db.OpenAsync())
                    await connection.ExecuteScalarAsync<int>("SELECT 1");
                counts = await photos.CountByStatusAsync();
            }
            catch (Exception e)
            {
                databaseError = e.Message;
            }

            object model = vision.TryGet(out var extractor, out var modelError)
                ? new { extractor!.Model.Name, extractor.Model.Id, extractor.Model.Dims, extractor.Model.Backend, extractor.Model.Layer }
                : new { error = modelError };
            var status = databaseError is not null ? "unhealthy" : extractor is null ? "degraded" : "ok";
            return TypedResults.Json(new
            {
                status,
                database = new { ok = databaseError is null, error = databaseError },
                model,
                // Keypoint verification needs OpenCV's native library (libgtk-3-0); without it decisions use CNN scores only.
                verification = new { available = PhotoVerifier.IsAvailable, reason = PhotoVerifier.UnavailableReason },
                photos = counts,
            }, statusCode: databaseError is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).AllowAnonymous(); // uptime probes carry no credentials; it shows counts, never a photo
        return app;
    }
}
