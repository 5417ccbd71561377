using ImaginAI.Tests.Support;
using ImaginAI.Vision.Decoding;

namespace ImaginAI.Tests.Unit.Vision.Decoding;

public class PhotoDecoderMetadataTests
{
    private static byte[] JpegWith(TestImages.Exif exif) => TestImages.WithExif(TestImages.QuadrantsJpeg(64, 48), exif);

    [Fact]
    public void ReadMetadata_ExifWithDateOffsetAndGps_ReturnsThem()
    {
        var jpeg = JpegWith(new TestImages.Exif(DateTimeOriginal: "2024:05:17 14:32:07", OffsetTimeOriginal: "+02:00",
            Latitude: 48.858370, Longitude: 2.294481));

        var metadata = PhotoDecoder.ReadMetadata(jpeg);

        Assert.Equal(new DateTimeOffset(2024, 5, 17, 14, 32, 7, TimeSpan.FromHours(2)), metadata.TakenAt);
        Assert.Equal(TimeSpan.FromHours(2), metadata.TakenAt!.Value.Offset);
        Assert.Equal(48.858370, metadata.Latitude!.Value, 5);
        Assert.Equal(2.294481, metadata.Longitude!.Value, 5);
    }

    [Fact]
    public void ReadMetadata_SouthWestGps_ReturnsNegativeCoordinates()
    {
        var metadata = PhotoDecoder.ReadMetadata(JpegWith(new TestImages.Exif(Latitude: -33.856784, Longitude: -70.648270)));

        Assert.Equal(-33.856784, metadata.Latitude!.Value, 5);
        Assert.Equal(-70.648270, metadata.Longitude!.Value, 5);
        Assert.Null(metadata.TakenAt);
    }

    [Fact]
    public void ReadMetadata_DateWithoutOffset_ReturnsWallClockTimeWithZeroOffset()
    {
        var metadata = PhotoDecoder.ReadMetadata(JpegWith(new TestImages.Exif(DateTimeOriginal: "2023:11:02 08:05:00")));

        Assert.Equal(new DateTime(2023, 11, 2, 8, 5, 0), metadata.TakenAt!.Value.DateTime);
        Assert.Equal(TimeSpan.Zero, metadata.TakenAt.Value.Offset);
        Assert.Null(metadata.Latitude);
    }

    [Fact]
    public void ReadMetadata_NoExif_ReturnsNone()
    {
        Assert.Equal(PhotoMetadata.None, PhotoDecoder.ReadMetadata(TestImages.QuadrantsPng(10, 10)));
    }

    [Theory]
    [InlineData("garbage-exif")]
    [InlineData("not-an-image")]
    [InlineData("empty")]
    public void ReadMetadata_BrokenInput_ReturnsNoneWithoutThrowing(string kind)
    {
        var file = kind switch
        {
            "garbage-exif" => TestImages.WithApp1(TestImages.QuadrantsJpeg(32, 32), [.. "Exif\0\0MM\0*"u8, 0xFF, 0xFF, 0xFF, 0xF0, 1, 2, 3]),
            "not-an-image" => TestImages.RandomBytes(300),
            _ => [],
        };

        Assert.Equal(PhotoMetadata.None, PhotoDecoder.ReadMetadata(file));
    }

    [Fact]
    public void Decode_JpegWithBrokenExif_StillDecodes()
    {
        var jpeg = TestImages.WithApp1(TestImages.QuadrantsJpeg(64, 48), [.. "Exif\0\0II*\0"u8, 0xF0, 0xFF, 0xFF, 0x7F, 9, 9]);

        using var photo = PhotoDecoder.Decode(jpeg);

        PhotoDecoderFormatTests.AssertQuadrants(photo.Bitmap);
        Assert.Equal(PhotoMetadata.None, photo.Metadata);
    }

    [Fact]
    public void Decode_JpegWithExif_CarriesTheMetadata()
    {
        var jpeg = JpegWith(new TestImages.Exif(DateTimeOriginal: "2025:01:31 23:59:59", OffsetTimeOriginal: "-05:00", Latitude: 40.7, Longitude: -74.0));

        using var photo = PhotoDecoder.Decode(jpeg);

        Assert.Equal(new DateTimeOffset(2025, 1, 31, 23, 59, 59, TimeSpan.FromHours(-5)), photo.Metadata.TakenAt);
        Assert.Equal(40.7, photo.Metadata.Latitude!.Value, 5);
    }
}
