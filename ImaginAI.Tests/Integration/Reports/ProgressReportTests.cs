using System.Diagnostics;
using System.Net;
using ImaginAI.Tests.Browser;
using ImaginAI.Tests.Support;
using SkiaSharp;
using UglyToad.PdfPig;

namespace ImaginAI.Tests.Integration.Reports;

/// <summary>
/// The PDF progress report (issue 15, §3), read back with PdfPig for its pages and text, and rendered with poppler's
/// pdftoppm to catch a blank or broken page.
/// </summary>
public sealed class ProgressReportTests(TrackerApp app) : IClassFixture<TrackerApp>
{
    [Fact]
    public async Task Report_ProjectWithMilestones_HoldsEachMilestoneItsDatesPairCountAndNotes()
    {
        using var api = app.CreateClient();
        var scenario = await ReportScenario.CreateAsync(app, api, "Riverside depot");

        using var response = await api.GetAsync($"/api/projects/{scenario.ProjectId}/report.pdf?from=2026-10-01&to=2026-11-30");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Riverside-depot-report-2026-10-01-to-2026-11-30.pdf", response.Content.Headers.ContentDisposition?.ToString());
        var pdf = await response.Content.ReadAsByteArrayAsync();

        using var document = PdfDocument.Open(pdf);
        var pages = document.GetPages().Select(p => Normalize(string.Join(" ", p.GetWords().Select(w => w.Text)))).ToList();
        var text = string.Join(" ", pages);
        Assert.True(document.NumberOfPages >= 2, $"expected the milestones to run onto a second page, got {document.NumberOfPages}");
        Assert.Contains("Progress report: Riverside depot", pages[0]);
        Assert.Contains("Photos taken 2026-10-01 to 2026-11-30", pages[0]);
        Assert.Contains("2 of 2 milestones reached, 1 late", pages[0]);
        Assert.Contains("5 photos taken in this period, 1 of them not yet filed", pages[0]);
        // The summary table: each milestone with due, reached and status.
        Assert.Contains("Foundations poured 2020-01-31 2026-11-10 Late by", pages[0]);
        Assert.Contains("Roof on 2999-12-31 2026-11-17 On time", text);
        // Each milestone's section: dates, count, the pair's captions and the notes.
        Assert.Contains("Due 2020-01-31; reached 2026-11-10.", text);
        Assert.Contains("2 photos of this milestone taken in this period", text);
        Assert.Contains("After: 2026-11-10, foundations-week-6.jpg", text);
        Assert.Contains("Before: 2026-10-01, foundations-reference.jpg", text);
        Assert.Contains("After: 2026-11-17, roof-week-7.jpg", text);
        Assert.Contains(ReportScenario.FoundationsNote, text);
        Assert.Contains("Not yet filed under a milestone", text);
        Assert.Contains(ReportScenario.UnfiledNote, text);
        Assert.Contains($"page {document.NumberOfPages} of {document.NumberOfPages}", pages[^1]);
        // Two before/after pairs: four pictures, and the fonts travel inside the file.
        Assert.Equal(4, document.GetPages().Sum(p => p.GetImages().Count()));
        Assert.All(document.GetPages().SelectMany(p => p.Letters).Select(l => l.FontName).Distinct(),
            font => Assert.Contains("DejaVu Sans", font));

        var rendered = Render(pdf);
        Assert.Equal(document.NumberOfPages, rendered.Count);
        foreach (var (png, index) in rendered.Select((p, i) => (p, i)))
        {
            var ink = InkShare(png);
            Assert.True(ink > 0.01, $"page {index + 1} is nearly blank: {ink:P2} of it is not white");
        }
        // The README shows the page with the first before/after pair.
        File.Copy(rendered.First(p => InkShare(p) > 0.1), ReadmeScreenshot.PathFor("report-page.png"), overwrite: true);
    }

    [Fact]
    public async Task Report_DateRange_CountsOnlyPhotosTakenInIt()
    {
        using var api = app.CreateClient();
        var scenario = await ReportScenario.CreateAsync(app, api, "Only November");
        var pdf = await api.GetByteArrayAsync($"/api/projects/{scenario.ProjectId}/report.pdf?from=2026-11-01&to=2026-11-15");
        using var document = PdfDocument.Open(pdf);
        var text = Normalize(string.Join(" ", document.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text)));
        Assert.Contains("1 photo taken in this period, 0 of them not yet filed", text);
        Assert.Contains("No photo of this milestone in this period.", text);
        Assert.DoesNotContain(ReportScenario.UnfiledNote, text);
    }

    [Theory]
    [InlineData("from=2026-12-01&to=2026-11-01", "The start date 2026-12-01 is after the end date 2026-11-01.")]
    [InlineData("from=next%20week", "is not a date: write it as YYYY-MM-DD, for example 2026-11-27.")]
    public async Task Report_BadDates_Returns400InPlainWords(string query, string expected)
    {
        using var api = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Bad dates", api)).GetProperty("id").GetInt64();
        using var response = await api.GetAsync($"/api/projects/{projectId}/report.pdf?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync());
    }

    private static string Normalize(string text) => string.Join(" ", text.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Each page as a PNG, by poppler's pdftoppm (poppler-utils).</summary>
    internal static IReadOnlyList<string> Render(byte[] pdf)
    {
        var folder = Directory.CreateTempSubdirectory("imaginai-report-").FullName;
        var file = Path.Combine(folder, "report.pdf");
        File.WriteAllBytes(file, pdf);
        using var process = Process.Start(new ProcessStartInfo("pdftoppm", ["-r", "72", "-png", file, Path.Combine(folder, "page")])
        {
            RedirectStandardError = true,
        })!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "pdftoppm could not render the report: " + errors);
        return Directory.GetFiles(folder, "page-*.png").Order().ToList();
    }

    /// <summary>The share of the page's pixels that are not (near) white.</summary>
    internal static double InkShare(string png)
    {
        using var bitmap = SKBitmap.Decode(png);
        var ink = 0;
        for (var y = 0; y < bitmap.Height; y++)
            for (var x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red < 230 || c.Green < 230 || c.Blue < 230) ink++;
            }
        return (double)ink / (bitmap.Width * bitmap.Height);
    }
}
