using ImaginAI.Tests.Support;
using ImaginAI.Vision.Decoding;
using SkiaSharp;

namespace ImaginAI.Tests.Unit.Vision.Decoding;

public class PhotoDecoderFormatTests
{
    private const int Width = 96, Height = 64;

    public static TheoryData<string, string> QuadrantFiles => new()
    {
        { "jpeg", "JPEG" },
        { "png", "PNG" },
        { "palette-png", "PNG" },
        { "16-bit-png", "PNG" },
        { "webp", "WebP" },
        { "gif", "GIF" },
        { "bmp", "BMP" },
    };

    private static byte[] Make(string kind) => kind switch
    {
        "jpeg" => TestImages.QuadrantsJpeg(Width, Height),
        "png" => TestImages.QuadrantsPng(Width, Height),
        "palette-png" => TestImages.PalettePng(Width, Height),
        "16-bit-png" => TestImages.Rgb16Png(Width, Height),
        "webp" => TestImages.QuadrantsWebp(Width, Height),
        "gif" => TestImages.QuadrantsGif(Width, Height),
        "bmp" => TestImages.QuadrantsBmp(Width, Height),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(QuadrantFiles))]
    public void Decode_SupportedFormat_ReturnsOpaqueRgbaWithExpectedSizeAndColours(string kind, string format)
    {
        using var photo = PhotoDecoder.Decode(Make(kind));

        Assert.Equal(format, photo.Header.Format);
        Assert.Equal((Width, Height), (photo.Bitmap.Width, photo.Bitmap.Height));
        Assert.Equal(SKColorType.Rgba8888, photo.Bitmap.ColorType);
        Assert.Equal(SKAlphaType.Opaque, photo.Bitmap.AlphaType);
        Assert.Equal(Width * 4, photo.Bitmap.RowBytes);
        AssertQuadrants(photo.Bitmap);
    }

    [Theory]
    [MemberData(nameof(QuadrantFiles))]
    public void ReadHeader_SupportedFormat_ReturnsFormatAndSize(string kind, string format)
    {
        var header = PhotoDecoder.ReadHeader(Make(kind));

        Assert.Equal(new PhotoHeader(format, Width, Height, 1), header);
    }

    [Fact]
    public void Decode_CmykJpeg_ConvertsToTheRightColours()
    {
        using var photo = PhotoDecoder.Decode(TestImages.CmykJpeg());

        Assert.Equal((64, 48), (photo.Bitmap.Width, photo.Bitmap.Height));
        AssertQuadrants(photo.Bitmap);
    }

    [Theory]
    [InlineData("png")]
    [InlineData("jpeg")]
    public void Decode_Grayscale_ReturnsEqualChannelsAtTheSourceLevels(string kind)
    {
        var file = kind == "png" ? TestImages.GrayscalePng(Width, Height) : TestImages.GrayscaleJpeg(Width, Height);

        using var photo = PhotoDecoder.Decode(file);

        Assert.Equal(SKColorType.Rgba8888, photo.Bitmap.ColorType);
        AssertNear(new SKColor(40, 40, 40), photo.Bitmap.GetPixel(Width / 4, Height / 2));
        AssertNear(new SKColor(210, 210, 210), photo.Bitmap.GetPixel(Width * 3 / 4, Height / 2));
    }

    [Fact]
    public void Decode_TransparentPng_CompositesOnWhite()
    {
        using var photo = PhotoDecoder.Decode(TestImages.TransparentPng(90, 30));

        Assert.Equal(SKAlphaType.Opaque, photo.Bitmap.AlphaType);
        AssertNear(SKColors.White, photo.Bitmap.GetPixel(15, 15), tolerance: 1);
        AssertNear(new SKColor(255, 0, 0), photo.Bitmap.GetPixel(45, 15), tolerance: 1);
        AssertNear(new SKColor(127, 127, 255), photo.Bitmap.GetPixel(75, 15), tolerance: 2);
    }

    [Fact]
    public void Decode_AnimatedGif_ReturnsTheFirstFrame()
    {
        var gif = TestImages.AnimatedGif(40, 30, TestImages.Green, TestImages.Blue);

        using var photo = PhotoDecoder.Decode(gif);

        Assert.Equal((40, 30), (photo.Bitmap.Width, photo.Bitmap.Height));
        AssertNear(TestImages.Green, photo.Bitmap.GetPixel(20, 15), tolerance: 0);
    }

    [Fact]
    public void Decode_JpegWithStrayBytesBetweenSegments_StillDecodes()
    {
        // Some cameras pad between segments; libjpeg skips the stray bytes, so the end-of-file check must not trip.
        var jpeg = TestImages.QuadrantsJpeg(Width, Height);
        var quantTables = jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xDB]);
        byte[] padded = [.. jpeg[..quantTables], 0x00, 0x00, 0x00, .. jpeg[quantTables..]];

        var header = PhotoDecoder.ReadHeader(padded);
        using var photo = PhotoDecoder.Decode(padded);

        Assert.Equal((Width, Height), (header.Width, header.Height));
        AssertQuadrants(photo.Bitmap);
    }

    [Fact]
    public void Decode_ManyThreadsAtOnce_AllGetTheSamePixels()
    {
        var jpeg = TestImages.QuadrantsJpeg(Width, Height);
        using var reference = PhotoDecoder.Decode(jpeg);
        var expected = TestImages.ToRgba(reference.Bitmap);

        var results = new byte[16][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            using var photo = PhotoDecoder.Decode(jpeg, new DecodeOptions { MinShortSide = i % 2 == 0 ? null : Height });
            results[i] = TestImages.ToRgba(photo.Bitmap);
        });

        Assert.All(results, pixels => Assert.Equal(expected, pixels));
    }

    /// <summary>Samples each quadrant's centre, away from the edges where JPEG chroma subsampling blends colours.</summary>
    internal static void AssertQuadrants(SKBitmap bitmap, int tolerance = 12)
    {
        var (w, h) = (bitmap.Width, bitmap.Height);
        foreach (var (x, y) in new[] { (w / 4, h / 4), (w * 3 / 4, h / 4), (w / 4, h * 3 / 4), (w * 3 / 4, h * 3 / 4) })
            AssertNear(TestImages.QuadrantColor(x, y, w, h), bitmap.GetPixel(x, y), tolerance);
    }

    internal static void AssertNear(SKColor expected, SKColor actual, int tolerance = 12)
    {
        var distance = Math.Max(Math.Abs(expected.Red - actual.Red),
            Math.Max(Math.Abs(expected.Green - actual.Green), Math.Abs(expected.Blue - actual.Blue)));
        Assert.True(distance <= tolerance && actual.Alpha == 255, $"Expected about {expected}, got {actual}.");
    }
}
