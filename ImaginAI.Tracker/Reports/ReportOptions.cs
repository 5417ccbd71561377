using System.ComponentModel.DataAnnotations;

namespace ImaginAI.Tracker.Reports;

/// <summary>The "Reports" settings: where the PDF report's fonts come from.</summary>
public sealed class ReportOptions
{
    public const string Section = "Reports";

    /// <summary>
    /// A folder with DejaVuSans.ttf and DejaVuSans-Bold.ttf. Debian's fonts-dejavu-core puts them here; the PDF embeds
    /// the glyphs it uses, so readers need no fonts of their own.
    /// </summary>
    [Required]
    public string FontDirectory { get; set; } = "/usr/share/fonts/truetype/dejavu";
}

/// <summary>The "Map" settings: the tile server behind the project map (the markers never depend on it).</summary>
public sealed class MapOptions
{
    public const string Section = "Map";

    /// <summary>A Leaflet tile URL template with {z}, {x} and {y} (and optionally {s} for subdomains).</summary>
    [Required, RegularExpression(@"^https?://[^\s]*\{z\}[^\s]*\{x\}[^\s]*\{y\}[^\s]*$",
        ErrorMessage = "Map:TileUrl must be an http(s) URL template with {z}, {x} and {y}.")]
    public string TileUrl { get; set; } = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

    /// <summary>The credit the tile server asks for, shown in the map's corner.</summary>
    [Required]
    public string TileAttribution { get; set; } = "© OpenStreetMap contributors";

    /// <summary>
    /// The origin to allow for tile images in the page's content security policy: "https://a.tiles.example" or, for
    /// a "{s}" subdomain template, "https://*.tiles.example".
    /// </summary>
    public string TileOrigin()
    {
        var template = TileUrl.Replace("{s}", "s", StringComparison.Ordinal);
        var uri = new Uri(template.Replace("{z}", "0").Replace("{x}", "0").Replace("{y}", "0").Replace("{r}", ""));
        var host = TileUrl.Contains("://{s}.", StringComparison.Ordinal) ? "*." + uri.Host[2..] : uri.Host;
        return uri.IsDefaultPort ? $"{uri.Scheme}://{host}" : $"{uri.Scheme}://{host}:{uri.Port}";
    }
}
