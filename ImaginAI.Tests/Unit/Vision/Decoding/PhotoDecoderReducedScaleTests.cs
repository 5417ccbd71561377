using ImaginAI.Tests.Support;
using ImaginAI.Vision.Decoding;

namespace ImaginAI.Tests.Unit.Vision.Decoding;

public class PhotoDecoderReducedScaleTests
{
    [Theory]
    [InlineData(224)]
    [InlineData(400)]
    [InlineData(1000)]
    public void Decode_JpegWithMinShortSide_PicksSmallestEighthScaleAtOrAboveIt(int minShortSide)
    {
        var file = RealPhotos.Read("Aqua.jpg"); // 2560×1600: 400 and 1000 are exact eighths, 224 is not
        var full = PhotoDecoder.ReadHeader(file);
        // libjpeg's n/8 output size rounds up.
        var expected = Enumerable.Range(1, 8)
            .Select(n => (Width: (full.Width * n + 7) / 8, Height: (full.Height * n + 7) / 8))
            .First(size => Math.Min(size.Width, size.Height) >= minShortSide);

        using var photo = PhotoDecoder.Decode(file, new DecodeOptions { MinShortSide = minShortSide });

        Assert.Equal(expected, (photo.Bitmap.Width, photo.Bitmap.Height));
        Assert.True(photo.Bitmap.Width < full.Width, $"{photo.Bitmap.Width} is not below the full {full.Width}");
        Assert.Equal((full.Width, full.Height), (photo.Header.Width, photo.Header.Height));
    }

    [Fact]
    public void Decode_ReducedScale_LooksLikeTheFullDecodeDownscaled()
    {
        var file = RealPhotos.Read("Garden.jpg");
        using var full = PhotoDecoder.Decode(file);

        using var reduced = PhotoDecoder.Decode(file, new DecodeOptions { MinShortSide = 160 });
        using var fullDownscaled = TestImages.Resized(full.Bitmap, reduced.Bitmap.Width, reduced.Bitmap.Height);

        Assert.True(reduced.Bitmap.Width <= full.Bitmap.Width / 2);
        Assert.InRange(TestImages.MeanAbsoluteDifference(fullDownscaled, reduced.Bitmap), 0, 4);
    }

    [Fact]
    public void Decode_ReducedScaleOfRotatedJpeg_IsUprightAndKeepsTheShortSide()
    {
        using var upright = TestImages.Quadrants(400, 240);
        using var stored = TestImages.StoredForOrientation(upright, 8);
        var jpeg = TestImages.WithExif(TestImages.Encode(stored, SkiaSharp.SKEncodedImageFormat.Jpeg), new TestImages.Exif(Orientation: 8));

        using var photo = PhotoDecoder.Decode(jpeg, new DecodeOptions { MinShortSide = 60 });

        Assert.Equal((100, 60), (photo.Bitmap.Width, photo.Bitmap.Height));
        PhotoDecoderFormatTests.AssertQuadrants(photo.Bitmap);
    }

    [Fact]
    public void Decode_PngWithMinShortSide_DecodesAtFullSize()
    {
        using var photo = PhotoDecoder.Decode(TestImages.QuadrantsPng(200, 100), new DecodeOptions { MinShortSide = 20 });

        Assert.Equal((200, 100), (photo.Bitmap.Width, photo.Bitmap.Height));
    }
}
