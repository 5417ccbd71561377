using ImaginAI.Tests.Support;
using ImaginAI.Vision.Decoding;

namespace ImaginAI.Tests.Unit.Vision.Decoding;

/// <summary>No decode holds more than <see cref="DecodeOptions.MaxDecodedPixels"/>, whatever the file says.</summary>
public class PhotoDecoderPixelBudgetTests
{
    [Fact]
    public void Decode_Png10000Squared_RefusedBeforeDecodingWithThePngLimit()
    {
        // 100 MP: within the header limit, but a PNG decodes only whole (400 MB of RGBA).
        var png = TestImages.PngBomb(10000, 10000);

        var error = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.Decode(png, new DecodeOptions { MinShortSide = 768 }));

        Assert.Equal(PhotoDecodeError.TooManyPixels, error.Reason);
        Assert.Contains("a PNG file may have at most 16 megapixels", error.Message);
    }

    [Theory]
    [InlineData("gif")]
    [InlineData("bmp")]
    [InlineData("png")]
    public void ReadHeader_WholeImageFormatOverBudget_ThrowsTooManyPixelsNamingTheFormat(string kind)
    {
        var (file, name) = kind switch
        {
            "gif" => (TestImages.QuadrantsGif(120, 100), "GIF"),
            "bmp" => (TestImages.QuadrantsBmp(120, 100), "BMP"),
            _ => (TestImages.QuadrantsPng(120, 100), "PNG"),
        };

        var error = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.ReadHeader(file, new DecodeOptions { MaxDecodedPixels = 11_999 }));
        var atBudget = PhotoDecoder.ReadHeader(file, new DecodeOptions { MaxDecodedPixels = 12_000 });

        Assert.Equal(PhotoDecodeError.TooManyPixels, error.Reason);
        Assert.Contains($"a {name} file may have at most", error.Message);
        Assert.Equal(120, atBudget.Width);
    }

    [Fact]
    public void ReadHeader_ProgressiveJpegWhoseCoefficientsExceedTheBudget_ThrowsTooManyPixels()
    {
        var baseline = TestImages.QuadrantsJpeg(400, 300);
        var progressive = (byte[])baseline.Clone();
        var sof = FindMarker(progressive, 0xC0);
        progressive[sof + 1] = 0xC2; // the same frame, declared progressive: libjpeg then keeps every coefficient

        // 120,000 pixels hold 360 KB (4:2:0) to 720 KB (4:4:4) of coefficients: more than a 4:4:4 image of 50,000.
        var error = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.ReadHeader(progressive, new DecodeOptions { MaxDecodedPixels = 50_000 }));
        var header = PhotoDecoder.ReadHeader(baseline, new DecodeOptions { MaxDecodedPixels = 50_000 });
        var withinBudget = PhotoDecoder.ReadHeader(progressive, new DecodeOptions { MaxDecodedPixels = 120_000 });

        Assert.Equal(PhotoDecodeError.TooManyPixels, error.Reason);
        Assert.Contains("progressive JPEG", error.Message);
        Assert.Equal(400, header.Width); // a baseline JPEG scales while decoding, so its size alone is no reason to refuse
        Assert.Equal(400, withinBudget.Width);
    }

    [Theory]
    [InlineData("jpeg")]
    [InlineData("webp")]
    public void Decode_ScalableFormatOverBudget_DecodesReducedWithinTheBudget(string kind)
    {
        var file = kind == "jpeg" ? TestImages.QuadrantsJpeg(1600, 1200) : TestImages.QuadrantsWebp(1600, 1200);

        using var photo = PhotoDecoder.Decode(file, new DecodeOptions { MaxDecodedPixels = 500_000 });

        Assert.InRange((long)photo.Bitmap.Width * photo.Bitmap.Height, 1, 500_000);
        Assert.Equal((1600, 1200), (photo.Header.Width, photo.Header.Height));
        // Still the same picture: the top-left quadrant is red.
        Assert.Equal(TestImages.Red.Red, photo.Bitmap.GetPixel(photo.Bitmap.Width / 4, photo.Bitmap.Height / 4).Red, 12f);
    }

    [Fact]
    public void Decode_Progressive17MpPhoto_IsAcceptedWithinTheCoefficientBudget()
    {
        // A real 5640 × 3172 progressive 4:2:0 photo: 54 MB of coefficients, within a 16-MP 4:4:4 image's 96 MB.
        using var photo = PhotoDecoder.Decode(File.ReadAllBytes(RealPhotos.Large), new DecodeOptions { MinShortSide = 768 });

        Assert.Equal(5640, photo.Header.Width);
        Assert.InRange(Math.Min(photo.Bitmap.Width, photo.Bitmap.Height), 768, 3172);
    }

    [Fact]
    public void Decode_ScalableFormatAskedForMoreThanTheBudget_TheBudgetWins()
    {
        var file = TestImages.QuadrantsJpeg(1600, 1200);

        using var photo = PhotoDecoder.Decode(file, new DecodeOptions { MinShortSide = 1200, MaxDecodedPixels = 500_000 });

        Assert.InRange((long)photo.Bitmap.Width * photo.Bitmap.Height, 1, 500_000);
    }

    private static int FindMarker(byte[] jpeg, byte marker)
    {
        for (var i = 2; i + 1 < jpeg.Length; i++)
            if (jpeg[i] == 0xFF && jpeg[i + 1] == marker) return i;
        throw new InvalidOperationException($"No FF{marker:X2} marker.");
    }
}
