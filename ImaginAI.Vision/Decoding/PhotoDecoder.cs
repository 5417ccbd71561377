using SkiaSharp;

namespace ImaginAI.Vision.Decoding;

/// <summary>Turns the bytes of a photo file into an upright bitmap, safely. CONTRACT STUB: to be implemented.</summary>
public static class PhotoDecoder
{
    /// <summary>Reads format and upright size from the header only. Throws <see cref="PhotoDecodeException"/>.</summary>
    public static PhotoHeader ReadHeader(ReadOnlySpan<byte> data, DecodeOptions? options = null) => throw new NotImplementedException();

    /// <summary>Decodes a photo upright and opaque. Throws <see cref="PhotoDecodeException"/>.</summary>
    public static DecodedPhoto Decode(ReadOnlySpan<byte> data, DecodeOptions? options = null) => throw new NotImplementedException();

    /// <summary>Reads capture time and GPS from EXIF; never throws for missing or broken metadata.</summary>
    public static PhotoMetadata ReadMetadata(ReadOnlySpan<byte> data) => throw new NotImplementedException();

    /// <summary>Encodes a JPEG whose longer side is at most <paramref name="maxSide"/> (used for thumbnails).</summary>
    public static byte[] EncodeJpeg(SKBitmap bitmap, int maxSide, int quality = 82) => throw new NotImplementedException();
}
