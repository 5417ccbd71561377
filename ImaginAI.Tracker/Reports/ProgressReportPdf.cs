using System.Globalization;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace ImaginAI.Tracker.Reports;

/// <summary>
/// Writes a <see cref="ProgressReport"/> as an A4 PDF with PDFsharp: a summary page with the milestone table, then
/// each milestone with its dates, photo count, before/after pair and notes, flowing onto new pages as needed.
/// </summary>
public static class ProgressReportPdf
{
    private const double Margin = 50;
    private static readonly XColor Ink = XColor.FromArgb(0x1f, 0x29, 0x37);
    private static readonly XColor Muted = XColor.FromArgb(0x4b, 0x55, 0x63);
    private static readonly XColor LateColor = XColor.FromArgb(0xb9, 0x1c, 0x1c);
    private static readonly XColor Rule = XColor.FromArgb(0xd1, 0xd5, 0xdb);

    public static byte[] Write(ProgressReport report)
    {
        using var document = new PdfDocument();
        document.Info.Title = $"{report.Project.Name}: progress report {Day(report.From)} to {Day(report.To)}";
        document.Info.Creator = "ImaginAI Tracker";
        var page = new Cursor(document);

        page.Text($"Progress report: {report.Project.Name}", Fonts.Title, Ink);
        page.Text($"Photos taken {Day(report.From)} to {Day(report.To)} (UTC). Written {report.GeneratedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC.", Fonts.Body, Muted);
        if (!string.IsNullOrWhiteSpace(report.Project.Description)) page.Text(report.Project.Description, Fonts.Body, Ink);
        page.Gap(8);
        var reached = report.Milestones.Count(m => m.Milestone.ReachedAt is not null);
        var late = report.Milestones.Count(m => m.Milestone.Late);
        page.Text($"{reached} of {report.Milestones.Count} milestones reached, {late} late. " +
                  $"{Count(report.PhotoCount, "photo")} taken in this period, {report.UnfiledCount} of them not yet filed under a milestone.",
            Fonts.Strong, Ink);
        page.Gap(10);
        MilestoneTable(page, report);

        foreach (var milestone in report.Milestones) MilestoneSection(page, milestone);

        if (report.UnfiledCount > 0)
        {
            page.Heading("Not yet filed under a milestone");
            page.Text($"{Count(report.UnfiledCount, "photo")} in this period wait for a manager's review.", Fonts.Body, Ink);
            Notes(page, report.UnfiledNotes);
        }

        page.Dispose();
        Footers(document, report);
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    private static void MilestoneTable(Cursor page, ProgressReport report)
    {
        double[] columns = [0, 215, 295, 375];
        string[] headings = ["Milestone", "Due", "Reached", "Status"];
        page.Row(columns, headings, Fonts.Strong, Ink);
        page.RuleLine();
        foreach (var item in report.Milestones)
        {
            var m = item.Milestone;
            page.Row(columns, [m.Name, m.DueDate is { } due ? Day(due) : "no date", m.ReachedAt is { } at ? Day(at) : "not yet", Status(m)],
                Fonts.Body, m.Late ? LateColor : Ink);
        }
        if (report.Milestones.Count == 0) page.Text("This project has no milestones yet.", Fonts.Body, Muted);
    }

    private static void MilestoneSection(Cursor page, ReportMilestone item)
    {
        var m = item.Milestone;
        // Keep a milestone's heading with its pictures: start a new page unless the pair fits below it.
        page.EnsureSpace(item.After is null ? 90 : 330);
        page.Heading(m.Name);
        var dates = $"Due {(m.DueDate is { } due ? Day(due) : "without a date")}; " +
                    (m.ReachedAt is { } at ? $"reached {Day(at)}" : "not reached yet") + $". {Status(m)}.";
        page.Text(dates, Fonts.Body, m.Late ? LateColor : Ink);
        page.Text($"{Count(item.PhotoCount, "photo")} of this milestone taken in this period.", Fonts.Body, Ink);
        if (item.After is { } after)
        {
            page.Gap(6);
            page.Pair(item.Before, after);
        }
        else page.Text("No photo of this milestone in this period.", Fonts.Body, Muted);
        Notes(page, item.Notes);
    }

    private static void Notes(Cursor page, IReadOnlyList<ReportNote> notes)
    {
        if (notes.Count == 0) return;
        page.Gap(4);
        page.Text("Notes", Fonts.Strong, Ink);
        foreach (var note in notes)
            page.Text($"{Day(note.TakenAt)}, {note.FileName}: {note.Text}", Fonts.Body, Ink, indent: 10);
    }

    private static void Footers(PdfDocument document, ProgressReport report)
    {
        for (var i = 0; i < document.PageCount; i++)
        {
            using var gfx = XGraphics.FromPdfPage(document.Pages[i], XGraphicsPdfPageOptions.Append);
            var text = $"{report.Project.Name} · {Day(report.From)} to {Day(report.To)} · page {i + 1} of {document.PageCount}";
            gfx.DrawString(text, Fonts.Small, new XSolidBrush(Muted),
                new XRect(Margin, gfx.PageSize.Height - Margin + 16, gfx.PageSize.Width - 2 * Margin, 12), XStringFormats.TopLeft);
        }
    }

    internal static string Status(Projects.Milestone m) => (m.ReachedAt, m.DueDate, m.Late) switch
    {
        ({ } at, { } due, true) => $"Late by {Days(DateOnly.FromDateTime(at.UtcDateTime).DayNumber - due.DayNumber)}",
        (not null, _, _) => "On time",
        (null, { } due, true) => $"Open, {Days(DateOnly.FromDateTime(DateTime.UtcNow).DayNumber - due.DayNumber)} past due",
        _ => "Open",
    };

    private static string Days(int days) => days == 1 ? "1 day" : $"{days} days";
    private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static string Day(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static class Fonts
    {
        public static readonly XFont Title = new(DejaVuFontResolver.Family, 18, XFontStyleEx.Bold);
        public static readonly XFont Section = new(DejaVuFontResolver.Family, 13, XFontStyleEx.Bold);
        public static readonly XFont Strong = new(DejaVuFontResolver.Family, 10, XFontStyleEx.Bold);
        public static readonly XFont Body = new(DejaVuFontResolver.Family, 10, XFontStyleEx.Regular);
        public static readonly XFont Small = new(DejaVuFontResolver.Family, 8, XFontStyleEx.Regular);
    }

    /// <summary>Where the next line goes; adds a page when the current one is full.</summary>
    private sealed class Cursor : IDisposable
    {
        private readonly PdfDocument document;
        private XGraphics? gfx;
        private double y;
        private double width;
        private double bottom;

        public Cursor(PdfDocument document)
        {
            this.document = document;
            NewPage();
        }

        private XGraphics G => gfx!;

        public void Dispose() => gfx?.Dispose();

        private void NewPage()
        {
            gfx?.Dispose();
            var page = document.AddPage();
            page.Size = PageSize.A4;
            gfx = XGraphics.FromPdfPage(page);
            width = page.Width.Point - 2 * Margin;
            bottom = page.Height.Point - Margin;
            y = Margin;
        }

        public void EnsureSpace(double height)
        {
            if (y + height > bottom) NewPage();
        }

        public void Gap(double points) => y += points;

        public void Heading(string text)
        {
            Gap(14);
            EnsureSpace(40);
            Text(text, Fonts.Section, Ink);
            Gap(2);
        }

        public void Text(string text, XFont font, XColor color, double indent = 0)
        {
            var lineHeight = font.GetHeight() * 1.15;
            foreach (var line in Wrap(text, font, width - indent))
            {
                EnsureSpace(lineHeight);
                G.DrawString(line, font, new XSolidBrush(color), new XRect(Margin + indent, y, width - indent, lineHeight), XStringFormats.TopLeft);
                y += lineHeight;
            }
        }

        public void Row(double[] columns, string[] cells, XFont font, XColor color)
        {
            var lineHeight = font.GetHeight() * 1.3;
            EnsureSpace(lineHeight);
            for (var i = 0; i < cells.Length; i++)
            {
                var cellWidth = (i + 1 < columns.Length ? columns[i + 1] : width) - columns[i] - 6;
                var text = Wrap(cells[i], font, cellWidth).First();
                G.DrawString(text, font, new XSolidBrush(color), new XRect(Margin + columns[i], y, cellWidth, lineHeight), XStringFormats.TopLeft);
            }
            y += lineHeight;
        }

        public void RuleLine()
        {
            G.DrawLine(new XPen(Rule, 0.7), Margin, y, Margin + width, y);
            y += 3;
        }

        /// <summary>Before on the left, after on the right, each fitted into half the width with its caption.</summary>
        public void Pair(ReportImage? before, ReportImage after)
        {
            var gap = 14;
            var boxWidth = (width - gap) / 2;
            var boxHeight = boxWidth * 0.75;
            EnsureSpace(boxHeight + 40);
            Picture(before, "Before", Margin, boxWidth, boxHeight);
            Picture(after, "After", Margin + boxWidth + gap, boxWidth, boxHeight);
            y += boxHeight + 34;
        }

        private void Picture(ReportImage? image, string label, double x, double boxWidth, double boxHeight)
        {
            var frame = new XRect(x, y, boxWidth, boxHeight);
            G.DrawRectangle(new XPen(Rule, 0.7), frame);
            string caption;
            if (image is null)
            {
                caption = $"{label}: no earlier photo of this spot";
            }
            else
            {
                caption = $"{label}: {Day(image.TakenAt)}, {image.FileName}";
                if (image.ThumbnailPath is { } path)
                {
                    using var picture = XImage.FromFile(path);
                    var scale = Math.Min(boxWidth / picture.PointWidth, boxHeight / picture.PointHeight);
                    var (w, h) = (picture.PointWidth * scale, picture.PointHeight * scale);
                    G.DrawImage(picture, x + (boxWidth - w) / 2, y + (boxHeight - h) / 2, w, h);
                }
                else caption += " (the picture could not be read)";
            }
            var lineHeight = Fonts.Small.GetHeight() * 1.2;
            var lineY = y + boxHeight + 4;
            foreach (var line in Wrap(caption, Fonts.Small, boxWidth).Take(2))
            {
                G.DrawString(line, Fonts.Small, new XSolidBrush(Muted), new XRect(x, lineY, boxWidth, lineHeight), XStringFormats.TopLeft);
                lineY += lineHeight;
            }
        }

        /// <summary>Greedy word wrap; a word longer than the line is cut where it stops fitting.</summary>
        private IEnumerable<string> Wrap(string text, XFont font, double maxWidth)
        {
            foreach (var paragraph in text.Replace("\r", "").Split('\n'))
            {
                var line = "";
                foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var candidate = line.Length == 0 ? word : line + " " + word;
                    if (G.MeasureString(candidate, font).Width <= maxWidth)
                    {
                        line = candidate;
                        continue;
                    }
                    if (line.Length > 0) yield return line;
                    line = word;
                    while (line.Length > 1 && G.MeasureString(line, font).Width > maxWidth)
                    {
                        var fit = line.Length - 1;
                        while (fit > 1 && G.MeasureString(line[..fit], font).Width > maxWidth) fit--;
                        yield return line[..fit];
                        line = line[fit..];
                    }
                }
                yield return line;
            }
        }
    }
}
