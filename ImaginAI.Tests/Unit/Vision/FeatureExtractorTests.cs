using ImaginAI.Tests.Support;
using ImaginAI.Vision;
using ImaginAI.Vision.Decoding;
using ImaginAI.Vision.Vectors;
using SkiaSharp;

namespace ImaginAI.Tests.Unit.Vision;

/// <summary>The shipped ResNet18 with its real weights on real photographs, in float32.</summary>
public class FeatureExtractorTests(ResNet18Fixture resNet18) : RealPhotoEmbeddingTests(resNet18.Extractor), IClassFixture<ResNet18Fixture>;

/// <summary>The same checks for the default model, ResNet18 quantised to int8.</summary>
public class Int8FeatureExtractorTests(ResNet18Int8Fixture int8) : RealPhotoEmbeddingTests(int8.Extractor), IClassFixture<ResNet18Int8Fixture>;

/// <summary>What a user relies on from any built-in model: copies of a photo match it, other photos score lower.</summary>
public abstract class RealPhotoEmbeddingTests(IFeatureExtractor extractor)
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

    [Theory]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(8)]
    public void Extract_ExifRotatedPhoto_MatchesTheUprightPhoto(int orientation)
    {
        var uprightJpeg = File.ReadAllBytes(RealPhotos.Scenes[2]);
        using var upright = PhotoDecoder.Decode(uprightJpeg, new DecodeOptions { MinShortSide = 448 });
        using var stored = TestImages.StoredForOrientation(upright.Bitmap, orientation);
        var storedJpeg = TestImages.Encode(stored, SKEncodedImageFormat.Jpeg, 95);

        var cosine = VectorMath.Cosine(Embed(uprightJpeg), Embed(TestImages.WithExif(storedJpeg, new TestImages.Exif(Orientation: orientation))));
        var ignoringTheTag = VectorMath.Cosine(Embed(uprightJpeg), Embed(storedJpeg));

        Assert.True(cosine > 0.97f, $"cosine {cosine}");
        Assert.True(ignoringTheTag < cosine - 0.02f, $"the turned photo must look different when not turned upright ({ignoringTheTag} vs {cosine})");
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

    [Fact]
    public void ExtractBatch_EightPhotos_EqualsOneAtATime()
    {
        var files = RealPhotos.Scenes.Take(8).ToList();
        var photos = files.Select(f => PhotoDecoder.Decode(File.ReadAllBytes(f), extractor.DecodeOptions)).ToList();
        try
        {
            var batch = extractor.ExtractBatch(photos);

            Assert.Equal(files.Count, batch.Count);
            for (var i = 0; i < files.Count; i++)
            {
                var cosine = VectorMath.Cosine(extractor.Extract(photos[i]), batch[i]);
                Assert.True(cosine >= 0.9999f, $"{Path.GetFileName(files[i])}: batch vs single cosine {cosine}");
            }
        }
        finally
        {
            photos.ForEach(p => p.Dispose());
        }
    }

    private FeatureVector Embed(byte[] jpeg) => extractor.Extract(jpeg);

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

    private static byte[] Encode(SKBitmap bitmap, int quality) => TestImages.Encode(bitmap, SKEncodedImageFormat.Jpeg, quality);
}
