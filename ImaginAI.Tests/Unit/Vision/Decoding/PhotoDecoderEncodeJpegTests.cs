using ImaginAI.Tests.Support;
using ImaginAI.Vision.Decoding;
using SkiaSharp;

namespace ImaginAI.Tests.Unit.Vision.Decoding;

public class PhotoDecoderEncodeJpegTests
{
    [Fact]
    public void EncodeJpeg_LargePhoto_LongSideIsMaxSideAndAspectKept()
    {
        using var photo = PhotoDecoder.Decode(RealPhotos.Read("Dune.jpg"));

        var thumbnail = PhotoDecoder.EncodeJpeg(photo.Bitmap, 400);
        var header = PhotoDecoder.ReadHeader(thumbnail);

        Assert.Equal("JPEG", header.Format);
        Assert.Equal(400, Math.Max(header.Width, header.Height));
        Assert.Equal(photo.Bitmap.Width / (double)photo.Bitmap.Height, header.Width / (double)header.Height, 2);
        Assert.True(thumbnail.Length < 100_000, $"thumbnail is {thumbnail.Length} bytes");
    }

    [Fact]
    public void EncodeJpeg_LargePhoto_LooksLikeThePhoto()
    {
        using var photo = PhotoDecoder.Decode(RealPhotos.Read("Garden.jpg"));

        using var thumbnail = PhotoDecoder.Decode(PhotoDecoder.EncodeJpeg(photo.Bitmap, 400));
        using var reference = TestImages.Resized(photo.Bitmap, thumbnail.Bitmap.Width, thumbnail.Bitmap.Height);

        Assert.InRange(TestImages.MeanAbsoluteDifference(reference, thumbnail.Bitmap), 0, 5);
    }

    [Fact]
    public void EncodeJpeg_FineStripes_AverageToGreyInsteadOfAliasing()
    {
        // One-pixel black and white stripes shrunk 10×: a point-sampling resize would return all black or all white.
        using var stripes = new SKBitmap(new SKImageInfo(4000, 3000, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(stripes))
        {
            canvas.Clear(SKColors.Black);
            using var white = new SKPaint { Color = SKColors.White };
            for (var x = 0; x < 4000; x += 2) canvas.DrawRect(x, 0, 1, 3000, white);
        }

        using var thumbnail = PhotoDecoder.Decode(PhotoDecoder.EncodeJpeg(stripes, 400));

        Assert.Equal((400, 300), (thumbnail.Bitmap.Width, thumbnail.Bitmap.Height));
        var centre = thumbnail.Bitmap.GetPixel(200, 150);
        Assert.InRange(centre.Red, 100, 160);
    }

    [Fact]
    public void EncodeJpeg_SmallBitmap_IsNotUpscaled()
    {
        using var small = TestImages.Quadrants(120, 80);

        using var thumbnail = PhotoDecoder.Decode(PhotoDecoder.EncodeJpeg(small, 400));

        Assert.Equal((120, 80), (thumbnail.Bitmap.Width, thumbnail.Bitmap.Height));
        PhotoDecoderFormatTests.AssertQuadrants(thumbnail.Bitmap);
    }
}
