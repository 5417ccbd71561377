namespace ImaginAI.Vision.Decoding;

/// <summary>Why a file could not be turned into pixels.</summary>
public enum PhotoDecodeError
{
    /// <summary>The bytes are not any image format (text renamed .jpg, a PDF, random data).</summary>
    NotAnImage,
    /// <summary>The file starts as an image but ends before all of it arrived.</summary>
    Truncated,
    /// <summary>A real image format that is not supported (HEIC, AVIF, TIFF, SVG...).</summary>
    Unsupported,
    /// <summary>The header claims more pixels than the configured limit.</summary>
    TooManyPixels,
    /// <summary>Zero bytes.</summary>
    Empty,
    /// <summary>Fewer pixels on the short side than the configured minimum.</summary>
    TooSmall,
}

/// <summary>A photo could not be decoded; <see cref="Reason"/> says why and the message says it in plain words.</summary>
public sealed class PhotoDecodeException(PhotoDecodeError reason, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public PhotoDecodeError Reason { get; } = reason;
}
