using System.Globalization;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;

namespace ImaginAI.Vision.Decoding;

/// <summary>Capture time and GPS position from EXIF, through MetadataExtractor. See <see cref="PhotoDecoder.ReadMetadata"/>.</summary>
internal static class ExifMetadata
{
    private const int TagDateTimeOriginal = 0x9003;
    private const int TagDateTimeDigitized = 0x9004;
    private const int TagOffsetTimeOriginal = 0x9011;
    private const int TagOffsetTimeDigitized = 0x9012;

    public static unsafe PhotoMetadata Read(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return PhotoMetadata.None;
        try
        {
            fixed (byte* bytes = data)
            {
                using var stream = new UnmanagedMemoryStream(bytes, data.Length);
                var directories = ImageMetadataReader.ReadMetadata(stream);
                var (latitude, longitude) = Position(directories);
                return new PhotoMetadata(TakenAt(directories), latitude, longitude);
            }
        }
        // Metadata is a courtesy: a photo with broken EXIF is still a photo.
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return PhotoMetadata.None;
        }
    }

    private static DateTimeOffset? TakenAt(IReadOnlyList<MetadataExtractor.Directory> directories)
    {
        foreach (var exif in directories.OfType<ExifSubIfdDirectory>())
        {
            if (TryRead(exif, TagDateTimeOriginal, TagOffsetTimeOriginal) is { } original) return original;
            if (TryRead(exif, TagDateTimeDigitized, TagOffsetTimeDigitized) is { } digitized) return digitized;
        }
        return null;
    }

    private static DateTimeOffset? TryRead(MetadataExtractor.Directory exif, int dateTag, int offsetTag)
    {
        if (!exif.TryGetDateTime(dateTag, out var wallClock)) return null;
        var offset = ParseOffset(exif.GetString(offsetTag)) ?? TimeSpan.Zero;
        return new DateTimeOffset(DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified), offset);
    }

    /// <summary>EXIF 2.31 offsets look like "+02:00" or "-05:30".</summary>
    private static TimeSpan? ParseOffset(string? text)
    {
        text = text?.Trim();
        if (text is not { Length: 6 } || (text[0] != '+' && text[0] != '-')) return null;
        if (!TimeSpan.TryParseExact(text[1..], @"hh\:mm", CultureInfo.InvariantCulture, out var magnitude)) return null;
        if (magnitude > TimeSpan.FromHours(14)) return null;
        return text[0] == '-' ? -magnitude : magnitude;
    }

    private static (double?, double?) Position(IReadOnlyList<MetadataExtractor.Directory> directories)
    {
        var location = directories.OfType<GpsDirectory>().FirstOrDefault()?.GetGeoLocation();
        if (location is null) return (null, null);
        var (lat, lon) = (location.Latitude, location.Longitude);
        if (!double.IsFinite(lat) || !double.IsFinite(lon) || Math.Abs(lat) > 90 || Math.Abs(lon) > 180) return (null, null);
        if (lat == 0 && lon == 0) return (null, null);
        return (lat, lon);
    }
}
