using SkiaSharp;

namespace ImaginAI.Vision.Decoding;

/// <summary>
/// Turns the bytes of a photo file into an upright bitmap, safely. Accepts JPEG (including grayscale and CMYK),
/// PNG (grayscale, palette, 16-bit, with or without alpha), WebP, GIF (the first frame of an animation) and BMP.
/// Every method is static, keeps no state and is safe to call from any number of threads at once.
/// </summary>
public static class PhotoDecoder
{
    /// <summary>
    /// The pixel layout of every bitmap <see cref="Decode"/> returns: 8-bit RGBA in memory order R, G, B, A
    /// (<see cref="SKColorType.Rgba8888"/>), alpha always 255 (<see cref="SKAlphaType.Opaque"/>), sRGB, rows packed
    /// without padding (<c>RowBytes == Width * 4</c>).
    /// </summary>
    public static readonly SKColorType OutputColorType = SKColorType.Rgba8888;

    private static readonly DecodeOptions DefaultOptions = new();

    // 64 two-byte coefficients for every 8 × 8 block of each of 3 full-size components.
    private const int CoefficientBytesPerPixel444 = 6;
    private static readonly SKColorSpace Srgb = SKColorSpace.CreateSrgb();

    /// <summary>
    /// Reads the format and the upright size from the header, without decoding any pixel. Throws
    /// <see cref="PhotoDecodeException"/> for every file <see cref="Decode"/> would refuse before decoding
    /// (empty, not an image, unsupported, too many pixels, a JPEG whose end is missing), and a JPEG whose coded
    /// data is damaged beyond a few errors (<see cref="JpegEntropy"/>; <see cref="Decode"/> does not re-check this).
    /// </summary>
    public static unsafe PhotoHeader ReadHeader(ReadOnlySpan<byte> data, DecodeOptions? options = null)
    {
        options ??= DefaultOptions;
        if (data.IsEmpty) throw EmptyFile();
        fixed (byte* bytes = data)
        {
            using var codec = OpenCodec(bytes, data, options, walkEntropy: true, out var header);
            return header;
        }
    }

    /// <summary>
    /// Decodes a photo upright (EXIF orientation applied) and opaque (transparency composited on white). The bitmap
    /// is <see cref="SKColorType.Rgba8888"/> with <see cref="SKAlphaType.Opaque"/> alpha in sRGB: see
    /// <see cref="OutputColorType"/>. With <see cref="DecodeOptions.MinShortSide"/> set, a JPEG or WebP is decoded at
    /// the smallest scale (1/8 … 8/8) whose short side is still at least that many pixels; whatever the options, the
    /// bitmap never holds more than <see cref="DecodeOptions.MaxDecodedPixels"/>. Throws
    /// <see cref="PhotoDecodeException"/>.
    /// </summary>
    public static unsafe DecodedPhoto Decode(ReadOnlySpan<byte> data, DecodeOptions? options = null)
    {
        options ??= DefaultOptions;
        if (data.IsEmpty) throw EmptyFile();
        SKBitmap bitmap;
        PhotoHeader header;
        fixed (byte* bytes = data)
        {
            using var codec = OpenCodec(bytes, data, options, walkEntropy: false, out header);
            bitmap = DecodePixels(codec, header, options, data.Length);
        }
        return new DecodedPhoto(bitmap, header, ReadMetadata(data));
    }

    /// <summary>
    /// Reads the capture time and GPS position from EXIF; never throws for missing or broken metadata (the fields
    /// are null instead). <see cref="PhotoMetadata.TakenAt"/> comes from DateTimeOriginal (else DateTimeDigitized)
    /// with the OffsetTimeOriginal offset when the camera recorded one; when it did not, the camera's wall-clock
    /// time is returned with a zero offset, because the time zone it was taken in is unknown.
    /// A GPS position of exactly 0,0 (what phones write without a fix) is treated as missing.
    /// </summary>
    public static PhotoMetadata ReadMetadata(ReadOnlySpan<byte> data) => ExifMetadata.Read(data);

    /// <summary>
    /// Encodes a JPEG whose longer side is at most <paramref name="maxSide"/> (used for thumbnails); smaller bitmaps
    /// are not enlarged. Downscaling samples a mipmap pyramid, so fine detail averages out instead of aliasing. The
    /// bitmap is expected to be opaque (as <see cref="Decode"/> returns it); alpha is ignored. For a thumbnail of a
    /// large photo, decoding with <see cref="DecodeOptions.MinShortSide"/> first saves most of the work.
    /// </summary>
    public static byte[] EncodeJpeg(SKBitmap bitmap, int maxSide, int quality = 82)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSide, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);

        var scale = Math.Min(1.0, maxSide / (double)Math.Max(bitmap.Width, bitmap.Height));
        var target = new SKSizeI(
            Math.Max(1, (int)Math.Round(bitmap.Width * scale)),
            Math.Max(1, (int)Math.Round(bitmap.Height * scale)));
        using var resized = target.Width < bitmap.Width ? Downscale(bitmap, target) : null;
        using var image = SKImage.FromBitmap(resized ?? bitmap);
        using var encoded = image.Encode(SKEncodedImageFormat.Jpeg, quality)
            ?? throw new InvalidOperationException($"SkiaSharp could not encode a {target.Width}×{target.Height} JPEG.");
        return encoded.ToArray();
    }

    /// <summary>Opens a codec on the caller's pinned bytes (no copy) and refuses the file before any pixel is decoded.</summary>
    private static unsafe SKCodec OpenCodec(byte* bytes, ReadOnlySpan<byte> data, DecodeOptions options, bool walkEntropy, out PhotoHeader header)
    {
        // HEIC/AVIF are recognised first: whether this SkiaSharp build could decode them is not a promise we make.
        if (data.Length >= 12 && data[4..8].SequenceEqual("ftyp"u8)) throw FileSniffer.Classify(data);

        var codec = CreateCodec(bytes, data.Length, out var result);
        if (codec is null)
        {
            var signature = FileSniffer.KnownImageSignature(data);
            if (signature is null) throw FileSniffer.Classify(data);
            throw result == SKCodecResult.IncompleteInput || data.Length < 64
                ? Truncated(data.Length)
                : Damaged(signature);
        }

        try
        {
            var format = FormatName(codec.EncodedFormat) ?? throw FileSniffer.Classify(data);
            var (width, height) = (codec.Info.Width, codec.Info.Height);
            if ((long)width * height > options.MaxPixels) throw TooManyPixels(width, height, options.MaxPixels);
            if (format == "JPEG")
            {
                // Progressive: what libjpeg holds is the coefficients, as much as a 16-MP 4:4:4 image's at most.
                var coefficients = JpegStructure.ProgressiveCoefficientBytes(data);
                if (coefficients > options.MaxDecodedPixels * CoefficientBytesPerPixel444)
                    throw TooManyPixelsForFormat(width, height,
                        (long)((double)width * height * options.MaxDecodedPixels * CoefficientBytesPerPixel444 / coefficients), "progressive JPEG");
            }
            else if ((long)width * height > options.MaxDecodedPixels && format != "WebP")
                throw TooManyPixelsForFormat(width, height, options.MaxDecodedPixels, format);
            if (options.MinSide is { } minSide && Math.Min(width, height) < minSide) throw TooSmall(width, height, minSide);
            if (format == "JPEG")
                switch (JpegStructure.Check(data, walkEntropy))
                {
                    case JpegStructure.Verdict.Truncated: throw Truncated(data.Length);
                    case JpegStructure.Verdict.Damaged: throw Damaged(format);
                }

            var origin = codec.EncodedOrigin;
            header = SwapsSides(origin)
                ? new PhotoHeader(format, height, width, (int)origin)
                : new PhotoHeader(format, width, height, (int)origin);
            return codec;
        }
        catch
        {
            codec.Dispose();
            throw;
        }
    }

    private static unsafe SKCodec? CreateCodec(byte* bytes, int length, out SKCodecResult result)
    {
        using var skData = SKData.Create((IntPtr)bytes, length);
        // The codec takes ownership of the stream (and the stream keeps the data alive) until it is disposed.
        var stream = new SKMemoryStream(skData);
        return SKCodec.Create(stream, out result);
    }

    private static SKBitmap DecodePixels(SKCodec codec, PhotoHeader header, DecodeOptions options, int fileLength)
    {
        var hasAlpha = codec.Info.AlphaType != SKAlphaType.Opaque;
        var size = ChooseDecodeSize(codec, options);
        var decoded = DecodeAt(codec, size, hasAlpha, out var result);
        // The codec refused the reduced scale: full size is only allowed within the pixel budget.
        if (result == SKCodecResult.InvalidScale && size != codec.Info.Size
            && (long)codec.Info.Width * codec.Info.Height <= options.MaxDecodedPixels)
        {
            decoded.Dispose();
            decoded = DecodeAt(codec, codec.Info.Size, hasAlpha, out result);
        }

        if (result != SKCodecResult.Success)
        {
            decoded.Dispose();
            throw result == SKCodecResult.IncompleteInput ? Truncated(fileLength) : Damaged(header.Format);
        }

        var origin = codec.EncodedOrigin;
        if (!hasAlpha && origin == SKEncodedOrigin.TopLeft) return decoded;
        using (decoded) return UprightOnWhite(decoded, origin);
    }

    private static SKBitmap DecodeAt(SKCodec codec, SKSizeI size, bool hasAlpha, out SKCodecResult result)
    {
        var info = new SKImageInfo(size.Width, size.Height, OutputColorType,
            hasAlpha ? SKAlphaType.Premul : SKAlphaType.Opaque, Srgb);
        var bitmap = new SKBitmap(info);
        if (bitmap.GetPixels() == IntPtr.Zero)
        {
            bitmap.Dispose();
            throw new OutOfMemoryException($"Could not allocate a {size.Width}×{size.Height} bitmap.");
        }
        // Frame 0 only: an animated GIF or WebP becomes its first frame.
        result = codec.GetPixels(info, bitmap.GetPixels(), info.RowBytes, new SKCodecOptions(0));
        return bitmap;
    }

    /// <summary>
    /// The smallest size the codec decodes natively (JPEG: n/8; WebP: any) whose short side stays at or above the
    /// minimum, and never more pixels than the budget allows (the budget wins).
    /// </summary>
    private static SKSizeI ChooseDecodeSize(SKCodec codec, DecodeOptions options)
    {
        var chosen = codec.Info.Size;
        if (options.MinShortSide is > 0)
            for (var eighths = 1; eighths < 8; eighths++)
            {
                var scaled = codec.GetScaledDimensions(eighths / 8f);
                if (Math.Min(scaled.Width, scaled.Height) >= options.MinShortSide) { chosen = scaled; break; }
            }
        for (var eighths = 7; eighths >= 1 && (long)chosen.Width * chosen.Height > options.MaxDecodedPixels; eighths--)
            chosen = codec.GetScaledDimensions(eighths / 8f);
        return chosen;
    }

    /// <summary>Applies the EXIF orientation and composites any transparency on white, in one draw.</summary>
    private static SKBitmap UprightOnWhite(SKBitmap decoded, SKEncodedOrigin origin)
    {
        var (w, h) = (decoded.Width, decoded.Height);
        var swap = SwapsSides(origin);
        var upright = new SKBitmap(new SKImageInfo(swap ? h : w, swap ? w : h, OutputColorType, SKAlphaType.Opaque, Srgb));
        using var canvas = new SKCanvas(upright);
        canvas.Clear(SKColors.White);
        canvas.SetMatrix(OrientationMatrix(origin, w, h));
        // Quarter turns and mirrors map pixels onto pixels: nearest sampling keeps them exact.
        canvas.DrawBitmap(decoded, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest), null);
        canvas.Flush();
        return upright;
    }

    /// <summary>Maps the stored w×h image onto the upright canvas for each EXIF orientation (1–8).</summary>
    private static SKMatrix OrientationMatrix(SKEncodedOrigin origin, int w, int h) => origin switch
    {
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
        _ => SKMatrix.Identity,
    };

    private static bool SwapsSides(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    private static string? FormatName(SKEncodedImageFormat format) => format switch
    {
        SKEncodedImageFormat.Jpeg => "JPEG",
        SKEncodedImageFormat.Png => "PNG",
        SKEncodedImageFormat.Webp => "WebP",
        SKEncodedImageFormat.Gif => "GIF",
        SKEncodedImageFormat.Bmp => "BMP",
        _ => null,
    };

    /// <summary>
    /// Trilinear sampling over a mipmap pyramid (2×2 box averages): fine detail does not alias however far the photo
    /// shrinks, and on 2 cores it is about 4× faster than repeated bilinear halving of a 12-MP bitmap.
    /// </summary>
    private static SKBitmap Downscale(SKBitmap source, SKSizeI target) =>
        source.Resize(source.Info.WithSize(target.Width, target.Height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))
        ?? throw new InvalidOperationException($"SkiaSharp could not resize to {target.Width}×{target.Height}.");

    private static PhotoDecodeException EmptyFile() =>
        new(PhotoDecodeError.Empty, "This file is empty (0 bytes): nothing of the photo arrived. Please send it again.");

    private static PhotoDecodeException Truncated(int length) =>
        new(PhotoDecodeError.Truncated,
            $"This photo is incomplete: the file ends after {Size(length)}, so part of it never arrived. Please send it again.");

    private static PhotoDecodeException Damaged(string format) =>
        new(PhotoDecodeError.NotAnImage, $"This file is not a photo we can read: it starts like a {format} image but its contents are damaged.");

    private static PhotoDecodeException TooManyPixels(int width, int height, long maxPixels) =>
        new(PhotoDecodeError.TooManyPixels,
            $"This image is too large: it is {width} × {height} pixels ({(long)width * height / 1e6:0.#} megapixels) " +
            $"and the limit is {maxPixels / 1e6:0.#} megapixels. Please send a smaller photo.");

    private static PhotoDecodeException TooSmall(int width, int height, int minSide) =>
        new(PhotoDecodeError.TooSmall,
            $"This image is too small to be a site photo: it is {width} × {height} pixels, and a photo needs at least {minSide} pixels on each side.");

    private static PhotoDecodeException TooManyPixelsForFormat(int width, int height, long maxPixels, string format) =>
        new(PhotoDecodeError.TooManyPixels,
            $"This image is too large: it is {width} × {height} pixels ({(long)width * height / 1e6:0.#} megapixels) " +
            $"and a {format} file may have at most {maxPixels / 1e6:0.#} megapixels. Please send it as an ordinary JPEG, or smaller.");

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} bytes",
        < 1024 * 1024 => $"{bytes / 1024} KB",
        _ => $"{bytes / (1024.0 * 1024):0.#} MB",
    };
}
