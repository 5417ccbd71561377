using ImaginAI.Tests.Support;
using ImaginAI.Vision.Decoding;

namespace ImaginAI.Tests.Unit.Vision.Decoding;

public class PhotoDecoderBadInputTests
{
    [Fact]
    public void Decode_ZeroBytes_ThrowsEmpty()
    {
        var error = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.Decode([]));

        Assert.Equal(PhotoDecodeError.Empty, error.Reason);
        Assert.Contains("empty", error.Message);
    }

    [Theory]
    [InlineData("text", "text file")]
    [InlineData("pdf", "PDF")]
    [InlineData("random", "do not match any image format")]
    public void Decode_NotAnImage_ThrowsNotAnImageSayingWhatItIs(string kind, string expectedWords)
    {
        var file = kind switch
        {
            "text" => TestImages.TextRenamedJpg(),
            "pdf" => TestImages.PdfStart(),
            _ => TestImages.RandomBytes(5000),
        };

        var error = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.Decode(file));

        Assert.Equal(PhotoDecodeError.NotAnImage, error.Reason);
        Assert.StartsWith("This file is not a photo: ", error.Message);
        Assert.Contains(expectedWords, error.Message);
    }

    [Fact]
    public void Decode_Heic_ThrowsUnsupportedWithCameraAdvice()
    {
        var error = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.Decode(TestImages.HeicLike()));

        Assert.Equal(PhotoDecodeError.Unsupported, error.Reason);
        Assert.Equal("HEIC photos are not supported yet: set the phone camera to 'Most Compatible' or export as JPEG", error.Message);
    }

    [Theory]
    [InlineData("tiff", "TIFF")]
    [InlineData("svg", "SVG")]
    public void Decode_OtherImageFormat_ThrowsUnsupportedNamingTheFormat(string kind, string format)
    {
        var file = kind == "tiff" ? TestImages.TiffStart() : TestImages.Svg();

        var error = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.Decode(file));

        Assert.Equal(PhotoDecodeError.Unsupported, error.Reason);
        Assert.Contains(format, error.Message);
    }

    [Fact]
    public void Decode_RealPhotoCutInHalf_ThrowsTruncatedSayingWhereItEnds()
    {
        var photo = RealPhotos.Read("Aqua.jpg");
        var half = photo[..(photo.Length / 2)];

        var error = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.Decode(half));

        Assert.Equal(PhotoDecodeError.Truncated, error.Reason);
        Assert.Contains($"ends after {half.Length / 1024} KB", error.Message);
    }

    [Fact]
    public void Decode_JpegMissingOnlyItsEndMarker_ThrowsTruncated()
    {
        var photo = RealPhotos.Read("Aqua.jpg");
        Assert.Equal([0xFF, 0xD9], photo[^2..]);

        var error = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.Decode(photo[..^2]));

        Assert.Equal(PhotoDecodeError.Truncated, error.Reason);
    }

    [Fact]
    public void Decode_PngCutInHalf_ThrowsTruncated()
    {
        var png = TestImages.NoisePng(200, 200);

        var error = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.Decode(png[..(png.Length / 2)]));

        Assert.Equal(PhotoDecodeError.Truncated, error.Reason);
    }

    [Fact]
    public void Decode_PngHeaderClaiming60000Squared_ThrowsTooManyPixelsWithoutAllocating()
    {
        var bomb = TestImages.PngBomb();
        Assert.True(bomb.Length < 2000, $"the bomb is {bomb.Length} bytes");
        var managedBefore = GC.GetAllocatedBytesForCurrentThread();
        var peakBefore = PeakResidentBytes();

        var error = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.Decode(bomb));

        Assert.Equal(PhotoDecodeError.TooManyPixels, error.Reason);
        Assert.Contains("60000 × 60000", error.Message);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - managedBefore, 0, 1_000_000);
        // Decoding even one 60000-pixel-wide row band would be tens of MB; 14 GB if the bitmap were allocated.
        Assert.InRange(PeakResidentBytes() - peakBefore, 0, 64L << 20);
    }

    [Fact]
    public void ReadHeader_PngHeaderClaiming60000Squared_ThrowsTooManyPixels()
    {
        var error = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.ReadHeader(TestImages.PngBomb()));

        Assert.Equal(PhotoDecodeError.TooManyPixels, error.Reason);
    }

    [Fact]
    public void Decode_PhotoOverConfiguredLimit_ThrowsTooManyPixels()
    {
        var png = TestImages.QuadrantsPng(100, 60);

        var error = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.Decode(png, new DecodeOptions { MaxPixels = 5_999 }));
        using var atLimit = PhotoDecoder.Decode(png, new DecodeOptions { MaxPixels = 6_000 });

        Assert.Equal(PhotoDecodeError.TooManyPixels, error.Reason);
        Assert.Equal(100, atLimit.Bitmap.Width);
    }

    [Theory]
    [InlineData("empty", PhotoDecodeError.Empty)]
    [InlineData("text", PhotoDecodeError.NotAnImage)]
    [InlineData("heic", PhotoDecodeError.Unsupported)]
    [InlineData("jpeg-without-end", PhotoDecodeError.Truncated)]
    [InlineData("png-bomb", PhotoDecodeError.TooManyPixels)]
    public void ReadHeader_BadInput_RefusesWithTheSameReasonAsDecode(string kind, PhotoDecodeError reason)
    {
        var file = kind switch
        {
            "empty" => [],
            "text" => TestImages.TextRenamedJpg(),
            "heic" => TestImages.HeicLike(),
            "jpeg-without-end" => TestImages.QuadrantsJpeg(64, 64)[..^2],
            _ => TestImages.PngBomb(),
        };

        var headerError = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.ReadHeader(file));
        var decodeError = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.Decode(file));

        Assert.Equal(reason, headerError.Reason);
        Assert.Equal(reason, decodeError.Reason);
    }

    /// <summary>The process's peak resident set (VmHWM), which native allocations by the codec would raise.</summary>
    private static long PeakResidentBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:"));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }
}
