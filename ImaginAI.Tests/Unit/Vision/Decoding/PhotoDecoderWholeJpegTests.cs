using ImaginAI.Tests.Support;
using ImaginAI.Vision.Decoding;

namespace ImaginAI.Tests.Unit.Vision.Decoding;

/// <summary>A JPEG must hold a whole picture: garbage after a valid header is refused, real photos' extras are not.</summary>
public class PhotoDecoderWholeJpegTests
{
    public static TheoryData<string> Photos() => [.. RealPhotos.Scenes.Select(path => Path.GetFileName(path))];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ReadHeader_RandomBytesAfterAValidJpegHeader_ThrowsNotAnImage(int seed)
    {
        var file = TestImages.GarbageAfterJpegHeader(RealPhotos.Read("Garden.jpg"), seed);

        var error = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.ReadHeader(file));

        Assert.Equal(PhotoDecodeError.NotAnImage, error.Reason);
        Assert.Contains("its contents are damaged", error.Message);
    }

    [Fact]
    public void Decode_RandomBytesAfterAValidJpegHeader_ThrowsInsteadOfAGreyPicture()
    {
        var file = TestImages.GarbageAfterJpegHeader(TestImages.QuadrantsJpeg(640, 480), 4);

        Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.Decode(file, new DecodeOptions { MinShortSide = 224 }));
    }

    [Theory]
    [MemberData(nameof(Photos))]
    public void ReadHeader_RealPhotoWithTrailingDataAndPadding_IsAccepted(string name)
    {
        var photo = RealPhotos.Read(name);
        // A motion photo's video or a phone's trailer after the end marker, then zero padding.
        var withTrailer = photo.Concat("MotionPhoto_Data"u8.ToArray()).Concat(TestImages.RandomBytes(50_000)).Concat(new byte[4096]).ToArray();
        // Fill bytes (0xFF) before a marker, which JPEG allows, right after the start-of-image marker.
        var withFill = photo[..2].Concat(Enumerable.Repeat((byte)0xFF, 32)).Concat(photo[2..]).ToArray();

        Assert.Equal("JPEG", PhotoDecoder.ReadHeader(photo).Format);
        Assert.Equal("JPEG", PhotoDecoder.ReadHeader(withTrailer).Format);
        Assert.Equal("JPEG", PhotoDecoder.ReadHeader(withFill).Format);
    }

    [Fact]
    public void ReadHeader_FewStrayBytesBetweenSegments_IsAcceptedAsLibjpegDoes()
    {
        var photo = RealPhotos.Read("Wood.jpg");
        var afterFirstSegment = 4 + (photo[4] << 8 | photo[5]);
        var stray = photo[..afterFirstSegment].Concat(new byte[] { 0x00, 0x0A, 0x0D, 0x20 }).Concat(photo[afterFirstSegment..]).ToArray();

        Assert.Equal("JPEG", PhotoDecoder.ReadHeader(stray).Format);
    }

    [Theory]
    [MemberData(nameof(Photos))]
    public void CountErrors_RealPhoto_FindsNoCorruptCode(string name)
    {
        Assert.Equal(0, JpegEntropy.CountErrors(RealPhotos.Read(name)));
    }

    [Theory]
    [InlineData("Garden.jpg", 0.2)]
    [InlineData("Wood.jpg", 0.2)]
    [InlineData("Storm.jpg", 0.05)]
    [InlineData("Aqua.jpg", 0.02)]
    public void ReadHeader_RealPhotoWithDamagedCompressedData_ThrowsDamaged(string name, double share)
    {
        var file = TestImages.DamagedEntropyData(RealPhotos.Read(name), share);

        var error = Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.ReadHeader(file));

        Assert.Equal(PhotoDecodeError.NotAnImage, error.Reason);
        Assert.Contains("its contents are damaged", error.Message);
    }

    [Fact]
    public void ReadHeader_GeneratedJpegWithRestartMarkersAndDamagedInterval_ThrowsDamaged()
    {
        var file = TestImages.DamagedEntropyData(TestImages.QuadrantsJpeg(640, 480), 0.2, seed: 7);

        Assert.Throws<PhotoDecodeException>(() => PhotoDecoder.ReadHeader(file));
    }
}
