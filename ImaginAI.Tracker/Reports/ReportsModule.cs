using System.Globalization;
using ImaginAI.Tracker.Errors;
using ImaginAI.Tracker.Photos;
using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Reports;

/// <summary>One photo on the project map.</summary>
public sealed record MapPhotoJson(
    long Id, string FileName, DateTimeOffset TakenAt, double Latitude, double Longitude, string? Milestone,
    string ThumbnailUrl, string PageUrl);

/// <summary>The project's photos that carry a location, and how many do not.</summary>
public sealed record ProjectLocationsJson(long ProjectId, IReadOnlyList<MapPhotoJson> Photos, int WithoutLocation);

/// <summary>
/// Showing progress to others: the PDF progress report, the project map's data and the ZIP export (issue 15,
/// §3-§5). Every endpoint is for the project's members; the export is audited.
/// </summary>
public static class ReportsModule
{
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.AddOptions<ReportOptions>().BindConfiguration(ReportOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<MapOptions>().BindConfiguration(MapOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ReportRepository>();
        services.AddSingleton<ProgressReportService>();
        services.AddSingleton<ProjectExport>();
        return services;
    }

    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var project = app.MapGroup("/api/projects/{projectId:long}").RequireAuthorization(Policies.ProjectMember);
        project.MapGet("/report.pdf", GetReportAsync)
            .Produces(StatusCodes.Status200OK, typeof(Stream), "application/pdf")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        project.MapGet("/export.zip", ExportAsync)
            .Produces(StatusCodes.Status200OK, typeof(Stream), "application/zip")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        project.MapGet("/locations", GetLocationsAsync).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>The progress report for photos taken from <paramref name="from"/> to <paramref name="to"/> (YYYY-MM-DD, both
    /// included; by default from the project's start to today).</summary>
    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetReportAsync(
        long projectId, string? from, string? to, ProjectRepository projects, ProgressReportService reports,
        IOptions<ReportOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await projects.GetByIdAsync(projectId) is not { } project) return Problems.NoSuchProject(projectId);
        var now = clock.GetUtcNow();
        var range = ParseRange(from, to);
        if (range.Problem is { } problem) return problem;
        var start = range.From ?? DateOnly.FromDateTime(project.CreatedAt.UtcDateTime);
        var end = range.To ?? DateOnly.FromDateTime(now.UtcDateTime);
        if (start > end) return RangeProblem(start, end);
        if (DejaVuFontResolver.Problem(options.Value.FontDirectory) is { } fonts)
            return TypedResults.Problem(fonts, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Reports are not set up");
        DejaVuFontResolver.EnsureInstalled(options.Value.FontDirectory);

        var report = (await reports.BuildAsync(projectId, start, end, now, cancellationToken))!;
        var pdf = ProgressReportPdf.Write(report);
        return TypedResults.File(pdf, "application/pdf", $"{SafeName(project.Name)}-report-{start:yyyy-MM-dd}-to-{end:yyyy-MM-dd}.pdf");
    }

    /// <summary>
    /// A ZIP of the project's photos, or of a filtered view (the gallery's filter: from, to, uploader, milestone,
    /// status, tag), with a manifest.csv. Streamed: written to the response as it is read from disk.
    /// </summary>
    private static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> ExportAsync(
        long projectId, string? from, string? to, long? uploader, long? milestone, string? status, string? tag, HttpContext http,
        ProjectRepository projects, MilestoneRepository milestones, ReportRepository reports, ProjectExport export, AuditLog audit)
    {
        if (await projects.GetByIdAsync(projectId) is not { } project) return Problems.NoSuchProject(projectId);
        var (filter, error) = GalleryFilter.Parse(from, to, uploader, milestone, status, tag);
        if (filter is null) return Problems.BadRequest("Not a filter", error!);
        if (milestone is { } id && (await milestones.GetByIdAsync(id) is not { } found || found.ProjectId != projectId))
            return Problems.BadRequest("Unknown milestone", $"This project has no milestone {id}.");

        var photos = await reports.GetManyByProjectIdAsync(projectId, filter, http.RequestAborted);
        await audit.WriteAsync(AuditActions.Exported, projectId, $"GET {http.Request.Path}{http.Request.QueryString}",
            $"{photos.Count} photos");
        var name = $"{SafeName(project.Name)}-photos-{DateTime.UtcNow:yyyy-MM-dd}.zip";
        // System.IO.Compression still closes an entry (its last compressed bytes and sizes) with a synchronous write,
        // even through its async API; these are a few bytes per photo, so this one response may block for them.
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpBodyControlFeature>() is { } body) body.AllowSynchronousIO = true;
        return TypedResults.Stream(body => export.WriteAsync(body, photos, http.RequestAborted), "application/zip", name);
    }

    private static async Task<Results<Ok<ProjectLocationsJson>, ProblemHttpResult>> GetLocationsAsync(
        long projectId, ProjectRepository projects, ReportRepository reports, CancellationToken cancellationToken)
    {
        if (await projects.GetByIdAsync(projectId) is null) return Problems.NoSuchProject(projectId);
        var photos = await reports.GetManyByProjectIdAsync(projectId, ReportRepository.All, cancellationToken);
        var located = photos
            .Where(p => p.Latitude is not null && p.Longitude is not null)
            .Select(p => new MapPhotoJson(p.Id, p.FileName, p.TakenAt, p.Latitude!.Value, p.Longitude!.Value, p.MilestoneName,
                $"/api/photos/{p.Id}/thumbnail", $"/photos/{p.Id}"))
            .ToList();
        return TypedResults.Ok(new ProjectLocationsJson(projectId, located, photos.Count - located.Count));
    }

    private readonly record struct DateRange(DateOnly? From, DateOnly? To, ProblemHttpResult? Problem);

    private static DateRange ParseRange(string? from, string? to)
    {
        var (start, end) = (ParseDay(from, "start"), ParseDay(to, "end"));
        return new(start.Day, end.Day, start.Problem ?? end.Problem);
    }

    private static (DateOnly? Day, ProblemHttpResult? Problem) ParseDay(string? text, string which)
    {
        if (string.IsNullOrWhiteSpace(text)) return (null, null);
        return DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? (day, null)
            : (null, Problems.BadRequest("Not a date", $"The {which} date \"{text}\" is not a date: write it as YYYY-MM-DD, for example 2026-11-27."));
    }

    private static ProblemHttpResult RangeProblem(DateOnly from, DateOnly to) =>
        Problems.BadRequest("Dates the wrong way round", $"The start date {from:yyyy-MM-dd} is after the end date {to:yyyy-MM-dd}.");

    /// <summary>A project name fit for a downloaded file's name.</summary>
    internal static string SafeName(string name)
    {
        var safe = new string(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray()).Trim('-');
        return safe.Length == 0 ? "project" : safe.Length > 60 ? safe[..60] : safe;
    }
}
