using SkiaSharp;

namespace ImaginAI.Vision.Decoding;

/// <summary>Capture metadata read from EXIF; every field is optional.</summary>
public sealed record PhotoMetadata(DateTimeOffset? TakenAt, double? Latitude, double? Longitude)
{
    public static readonly PhotoMetadata None = new(null, null, null);
}

/// <summary>
/// What the header says, read without decoding pixels. <paramref name="Format"/> is one of "JPEG", "PNG", "WebP",
/// "GIF" or "BMP". Width and height are upright (after EXIF orientation) and always the full size of the file, even
/// when a reduced-scale decode was asked for. <paramref name="ExifOrientation"/> is the EXIF value 1–8 (1 = upright).
/// </summary>
public sealed record PhotoHeader(string Format, int Width, int Height, int ExifOrientation);

/// <summary>
/// An upright, opaque RGBA bitmap (transparency composited on white) and what is known of the source file.
/// The bitmap is always <see cref="SKColorType.Rgba8888"/> (bytes R, G, B, A in memory), <see cref="SKAlphaType.Opaque"/>
/// (alpha 255), sRGB, with rows of exactly <c>Width * 4</c> bytes. It may be smaller than
/// <see cref="Header"/> says when a reduced-scale decode was asked for (<see cref="DecodeOptions.MinShortSide"/>).
/// </summary>
public sealed class DecodedPhoto(SKBitmap bitmap, PhotoHeader header, PhotoMetadata metadata) : IDisposable
{
    public SKBitmap Bitmap { get; } = bitmap;
    public PhotoHeader Header { get; } = header;
    public PhotoMetadata Metadata { get; } = metadata;
    public void Dispose() => Bitmap.Dispose();
}

/// <summary>Limits and hints for decoding.</summary>
public sealed record DecodeOptions
{
    /// <summary>Files whose header claims more pixels than this are refused before any pixel is decoded.</summary>
    public long MaxPixels { get; init; } = 100_000_000;

    /// <summary>
    /// The most pixels a decode may hold. A baseline JPEG or a WebP of any size (up to <see cref="MaxPixels"/>) is
    /// scaled while it is decoded so that its bitmap stays within this; a PNG, GIF or BMP (decoded only whole) is
    /// refused above it, and a progressive JPEG when its coefficients take more memory than a 4:4:4 one of this size
    /// (so twice as many pixels at the usual 4:2:0).
    /// </summary>
    public long MaxDecodedPixels { get; init; } = 16_000_000;

    /// <summary>
    /// When set, files whose upright short side is below this many pixels are refused (too small to show a place).
    /// </summary>
    public int? MinSide { get; init; }

    /// <summary>
    /// When set, the decoder may decode at a reduced scale (JPEG DCT scaling) as long as the short side stays
    /// at or above this many pixels. Null decodes at full size.
    /// </summary>
    public int? MinShortSide { get; init; }
}
