using ImaginAI.Tests.Support;
using ImaginAI.Vision.Decoding;
using ImaginAI.Vision.Vectors;
using SkiaSharp;

namespace ImaginAI.Tests.Unit.Vision;

/// <summary>The shipped ResNet18 with its real weights on real photographs.</summary>
public class FeatureExtractorTests(ResNet18Fixture resNet18) : IClassFixture<ResNet18Fixture>
{
    private const float SameSceneThreshold = 0.85f;

    [Fact]
    public void Extract_ReencodedResizedAndCroppedCopies_ScoreAboveThreshold()
    {
        foreach (var scene in RealPhotos.Scenes)
        {
            var original = Embed(File.ReadAllBytes(scene));
            foreach (var (kind, copy) in Copies(File.ReadAllBytes(scene)))
            {
                var cosine = VectorMath.Cosine(original, Embed(copy));
                Assert.True(cosine > SameSceneThreshold, $"{Path.GetFileName(scene)} vs its {kind} copy: cosine {cosine}");
            }
        }
    }

    [Fact]
    public void Extract_UnrelatedPhotos_ScoreLowerThanAnyCopyOfTheSamePhoto()
    {
        var scenes = RealPhotos.Scenes;
        var vectors = scenes.Select(f => Embed(File.ReadAllBytes(f))).ToList();
        for (var i = 0; i < scenes.Count; i++)
        {
            var weakestCopy = Copies(File.ReadAllBytes(scenes[i])).Min(c => VectorMath.Cosine(vectors[i], Embed(c.Bytes)));
            var closestOther = Enumerable.Range(0, scenes.Count).Where(j => j != i).Max(j => VectorMath.Cosine(vectors[i], vectors[j]));
            Assert.True(closestOther < weakestCopy,
                $"{Path.GetFileName(scenes[i])}: an unrelated photo scores {closestOther}, its weakest copy {weakestCopy}");
        }
    }

    [Fact]
    public void Extract_ExifRotatedPhoto_MatchesTheUprightPhoto()
    {
        var uprightJpeg = File.ReadAllBytes(RealPhotos.Scenes[2]);
        using var upright = PhotoDecoder.Decode(uprightJpeg, new DecodeOptions { MinShortSide = 448 });
        // Orientation 6: the sensor's pixels are the upright picture turned 90° anticlockwise.
        var sideways = WithExifOrientation(Encode(RotateAnticlockwise(upright.Bitmap), 95), 6);

        var cosine = VectorMath.Cosine(Embed(uprightJpeg), Embed(sideways));
        var withoutTag = VectorMath.Cosine(Embed(uprightJpeg), Embed(Encode(RotateAnticlockwise(upright.Bitmap), 95)));

        Assert.True(cosine > 0.97f, $"cosine {cosine}");
        Assert.True(withoutTag < cosine, "the test photo must look different when not turned upright");
    }

    [Fact]
    public void Extract_SamePhotoFromManyThreads_GivesTheSameVector()
    {
        var bytes = File.ReadAllBytes(RealPhotos.Scenes[3]);
        var expected = Embed(bytes);

        var vectors = new FeatureVector[8];
        Parallel.For(0, vectors.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => vectors[i] = Embed(bytes));

        Assert.All(vectors, v => Assert.Equal(expected.Values, v.Values));
        Assert.Equal(1f, MathF.Sqrt(expected.Values.Sum(v => v * v)), 4);
    }

    private FeatureVector Embed(byte[] jpeg) => resNet18.Extractor.Extract(jpeg);

    private static IEnumerable<(string Kind, byte[] Bytes)> Copies(byte[] jpeg)
    {
        using var photo = PhotoDecoder.Decode(jpeg, new DecodeOptions { MinShortSide = 600 });
        var bitmap = photo.Bitmap;
        yield return ("low-quality re-encoded", Encode(bitmap, 25));
        using (var half = bitmap.Resize(new SKImageInfo(bitmap.Width / 2, bitmap.Height / 2), new SKSamplingOptions(SKFilterMode.Linear)))
            yield return ("half-size", Encode(half, 85));
        var inset = new SKRectI(bitmap.Width / 20, bitmap.Height / 20, bitmap.Width - bitmap.Width / 20, bitmap.Height - bitmap.Height / 20);
        using var cropped = new SKBitmap();
        Assert.True(bitmap.ExtractSubset(cropped, inset));
        yield return ("5%-cropped", Encode(cropped, 85));
    }

    private static byte[] Encode(SKBitmap bitmap, int quality)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }

    private static SKBitmap RotateAnticlockwise(SKBitmap upright)
    {
        var rotated = new SKBitmap(new SKImageInfo(upright.Height, upright.Width, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(rotated);
        canvas.Translate(0, upright.Width);
        canvas.RotateDegrees(-90);
        using var image = SKImage.FromBitmap(upright);
        canvas.DrawImage(image, 0, 0);
        return rotated;
    }

    /// <summary>Inserts a minimal EXIF APP1 segment holding only the orientation tag after the JPEG's SOI marker.</summary>
    private static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        byte[] tiff =
        [
            (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, // little-endian TIFF header, first IFD at offset 8
            1, 0,                                     // one entry
            0x12, 0x01, 3, 0, 1, 0, 0, 0,             // tag 0x0112 Orientation, SHORT, count 1
            (byte)orientation, 0, 0, 0,
            0, 0, 0, 0,                               // no next IFD
        ];
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var length = payload.Length + 2;
        var segment = new byte[] { 0xFF, 0xE1, (byte)(length >> 8), (byte)length }.Concat(payload);
        return jpeg.Take(2).Concat(segment).Concat(jpeg.Skip(2)).ToArray();
    }
}
