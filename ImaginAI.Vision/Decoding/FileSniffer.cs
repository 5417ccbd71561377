using System.Text;

namespace ImaginAI.Vision.Decoding;

/// <summary>
/// Names what a file is from its first bytes, so a refusal can say "this is a PDF" or "HEIC is not supported"
/// instead of a generic failure. Only consulted when SkiaSharp cannot (or must not) decode the file.
/// </summary>
internal static class FileSniffer
{
    public static PhotoDecodeException Classify(ReadOnlySpan<byte> data)
    {
        if (FtypBrand(data) is { } brand) return ClassifyIsoMedia(brand);

        if (StartsWith(data, "II*\0"u8) || StartsWith(data, "MM\0*"u8))
            return Unsupported("TIFF (or camera RAW) files are not supported: please export the photo as JPEG");
        if (StartsWith(data, "8BPS"u8))
            return Unsupported("Photoshop (PSD) files are not supported: please export the image as JPEG or PNG");
        if (StartsWith(data, "\0\0\x01\0"u8))
            return Unsupported("icon (ICO) files are not supported: please send a JPEG or PNG photo");
        if (StartsWith(data, [0xFF, 0x0A]) || (data.Length >= 8 && data[4..8].SequenceEqual("JXL "u8)))
            return Unsupported("JPEG XL photos are not supported yet: please export the photo as JPEG");
        if (StartsWith(data, "%PDF"u8)) return NotAnImage("it is a PDF document");
        if (StartsWith(data, "PK\x03\x04"u8)) return NotAnImage("it is a ZIP archive (or an Office document)");
        if (StartsWith(data, "ID3"u8)) return NotAnImage("it is an audio file (MP3)");
        if (StartsWith(data, "RIFF"u8) && data.Length >= 12)
        {
            if (data[8..12].SequenceEqual("AVI "u8)) return NotAnImage("it is a video (AVI)");
            if (data[8..12].SequenceEqual("WAVE"u8)) return NotAnImage("it is an audio file (WAV)");
        }

        if (LooksLikeText(data, out var text))
        {
            if (text.Contains("<svg", StringComparison.OrdinalIgnoreCase))
                return Unsupported("SVG drawings are not supported: please send a JPEG or PNG photo");
            if (text.Contains("<html", StringComparison.OrdinalIgnoreCase) || text.Contains("<!doctype html", StringComparison.OrdinalIgnoreCase))
                return NotAnImage("it is a web page (HTML)");
            return NotAnImage("it is a text file");
        }

        return NotAnImage("its contents do not match any image format");
    }

    /// <summary>A file that starts like an image SkiaSharp knows, by its signature.</summary>
    public static string? KnownImageSignature(ReadOnlySpan<byte> data)
    {
        if (StartsWith(data, [0xFF, 0xD8, 0xFF])) return "JPEG";
        if (StartsWith(data, [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return "PNG";
        if (StartsWith(data, "GIF87a"u8) || StartsWith(data, "GIF89a"u8)) return "GIF";
        if (StartsWith(data, "RIFF"u8) && data.Length >= 12 && data[8..12].SequenceEqual("WEBP"u8)) return "WebP";
        if (StartsWith(data, "BM"u8) && data.Length >= 14) return "BMP";
        return null;
    }

    private static PhotoDecodeException ClassifyIsoMedia(string brand) => brand switch
    {
        "heic" or "heix" or "hevc" or "hevx" or "heim" or "heis" or "hevm" or "hevs" or "mif1" or "msf1" =>
            Unsupported("HEIC photos are not supported yet: set the phone camera to 'Most Compatible' or export as JPEG"),
        "avif" or "avis" => Unsupported("AVIF photos are not supported yet: please export the photo as JPEG"),
        "crx " => Unsupported("Canon RAW (CR3) files are not supported: please export the photo as JPEG"),
        "qt  " => NotAnImage("it is a video (QuickTime MOV)"),
        _ => NotAnImage("it is a video (MP4)"),
    };

    /// <summary>The major brand of an ISO base media file (HEIC, AVIF, MP4, MOV), found in its leading ftyp box.</summary>
    private static string? FtypBrand(ReadOnlySpan<byte> data) =>
        data.Length >= 12 && data[4..8].SequenceEqual("ftyp"u8) ? Encoding.ASCII.GetString(data[8..12]) : null;

    private static bool LooksLikeText(ReadOnlySpan<byte> data, out string text)
    {
        var head = data[..Math.Min(data.Length, 1024)];
        text = "";
        // A UTF-8 BOM, or only printable ASCII/UTF-8 lead bytes and whitespace: binary image formats all contain
        // control bytes within their first few dozen bytes.
        if (StartsWith(head, [0xEF, 0xBB, 0xBF])) head = head[3..];
        foreach (var b in head)
            if (b < 0x09 || (b > 0x0D && b < 0x20) || b == 0x7F) return false;
        text = Encoding.UTF8.GetString(head);
        return true;
    }

    private static bool StartsWith(ReadOnlySpan<byte> data, ReadOnlySpan<byte> prefix) => data.StartsWith(prefix);

    private static PhotoDecodeException Unsupported(string message) => new(PhotoDecodeError.Unsupported, message);

    private static PhotoDecodeException NotAnImage(string what) =>
        new(PhotoDecodeError.NotAnImage, $"This file is not a photo: {what}.");
}
