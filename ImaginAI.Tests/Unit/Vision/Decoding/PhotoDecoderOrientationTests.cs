using ImaginAI.Tests.Support;
using ImaginAI.Vision.Decoding;
using SkiaSharp;

namespace ImaginAI.Tests.Unit.Vision.Decoding;

public class PhotoDecoderOrientationTests
{
    [Fact]
    public void Decode_SidewaysJpegWithOrientation6_ReturnsTheUprightImage()
    {
        using var upright = TestImages.Quadrants(96, 64);
        using var sideways = TestImages.StoredForOrientation(upright, 6);
        var jpeg = TestImages.WithExif(TestImages.Encode(sideways, SKEncodedImageFormat.Jpeg), new TestImages.Exif(Orientation: 6));

        using var photo = PhotoDecoder.Decode(jpeg);

        Assert.Equal((64, 96), (sideways.Width, sideways.Height));
        Assert.Equal(new PhotoHeader("JPEG", 96, 64, 6), photo.Header);
        Assert.Equal((96, 64), (photo.Bitmap.Width, photo.Bitmap.Height));
        PhotoDecoderFormatTests.AssertQuadrants(photo.Bitmap);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Decode_RealPhotoStoredWithOrientation_EqualsTheUprightPhoto(int orientation)
    {
        using var full = PhotoDecoder.Decode(RealPhotos.Read("LadyBird.jpg"));
        using var upright = TestImages.Resized(full.Bitmap, 320, 320 * full.Bitmap.Height / full.Bitmap.Width);
        using var stored = TestImages.StoredForOrientation(upright, orientation);
        var jpeg = TestImages.WithExif(TestImages.Encode(stored, SKEncodedImageFormat.Jpeg, quality: 95),
            new TestImages.Exif(Orientation: orientation));
        var header = PhotoDecoder.ReadHeader(jpeg);

        using var photo = PhotoDecoder.Decode(jpeg);

        Assert.Equal((upright.Width, upright.Height), (header.Width, header.Height));
        Assert.Equal(orientation, header.ExifOrientation);
        Assert.Equal((upright.Width, upright.Height), (photo.Bitmap.Width, photo.Bitmap.Height));
        Assert.InRange(TestImages.MeanAbsoluteDifference(upright, photo.Bitmap), 0, 3);
    }

    [Fact]
    public void Decode_MirroredPhotoWithoutOrientationTag_DiffersFromUpright()
    {
        // The control for the test above: the comparison does catch an image left sideways or mirrored.
        using var full = PhotoDecoder.Decode(RealPhotos.Read("LadyBird.jpg"));
        using var upright = TestImages.Resized(full.Bitmap, 320, 320 * full.Bitmap.Height / full.Bitmap.Width);
        using var mirrored = TestImages.StoredForOrientation(upright, 2);

        using var photo = PhotoDecoder.Decode(TestImages.Encode(mirrored, SKEncodedImageFormat.Jpeg, quality: 95));

        Assert.True(TestImages.MeanAbsoluteDifference(upright, photo.Bitmap) > 10);
    }
}
