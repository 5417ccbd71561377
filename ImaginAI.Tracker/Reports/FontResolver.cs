using PdfSharp.Fonts;

namespace ImaginAI.Tracker.Reports;

/// <summary>
/// PDFsharp's fonts on Linux, where it has no system font lookup: DejaVu Sans (regular and bold) read from
/// <see cref="ReportOptions.FontDirectory"/> (Debian's fonts-dejavu-core). Every family name maps to it.
/// </summary>
internal sealed class DejaVuFontResolver(string directory) : IFontResolver
{
    public const string Family = "DejaVu Sans";
    private const string Regular = "DejaVuSans";
    private const string Bold = "DejaVuSans-Bold";

    public FontResolverInfo ResolveTypeface(string familyName, bool isBold, bool isItalic) =>
        new(isBold ? Bold : Regular);

    public byte[] GetFont(string faceName) => File.ReadAllBytes(Path.Combine(directory, faceName + ".ttf"));

    private static readonly Lock Gate = new();

    /// <summary>
    /// PDFsharp's resolver is process-wide and can be set once: the first app in the process sets it (a second app
    /// in the same process, as in tests, shares it).
    /// </summary>
    public static void EnsureInstalled(string directory)
    {
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is null) GlobalFontSettings.FontResolver = new DejaVuFontResolver(directory);
        }
    }

    /// <summary>Why reports cannot be written with these settings, or null when the fonts are there.</summary>
    public static string? Problem(string directory) =>
        new[] { Regular, Bold }.Select(f => Path.Combine(directory, f + ".ttf")).FirstOrDefault(f => !File.Exists(f)) is { } missing
            ? $"The PDF report's font {missing} is missing: install Debian's fonts-dejavu-core or set Reports:FontDirectory."
            : null;
}
