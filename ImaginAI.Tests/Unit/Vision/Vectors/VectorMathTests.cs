using ImaginAI.Vision.Vectors;

namespace ImaginAI.Tests.Unit.Vision.Vectors;

public class VectorMathTests
{
    [Fact]
    public void NormalizeInPlace_AnyVector_ReturnsOldNormAndLeavesUnitLength()
    {
        float[] values = [3, 4, 0, 12];

        var norm = VectorMath.NormalizeInPlace(values);

        Assert.Equal(13f, norm, 5);
        Assert.Equal(1f, MathF.Sqrt(values.Sum(v => v * v)), 5);
        Assert.Equal(3f / 13, values[0], 6);
    }

    [Fact]
    public void NormalizeInPlace_ZeroVector_StaysZeroWithoutNaN()
    {
        var values = new float[8];

        var norm = VectorMath.NormalizeInPlace(values);

        Assert.Equal(0f, norm);
        Assert.All(values, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Cosine_SameModel_IsDotProductOfUnitVectors()
    {
        float[] a = [1, 2, 3, 4], b = [4, 3, 2, 1];
        var expected = a.Zip(b, (x, y) => x * y).Sum() / (MathF.Sqrt(a.Sum(x => x * x)) * MathF.Sqrt(b.Sum(x => x * x)));
        VectorMath.NormalizeInPlace(a);
        VectorMath.NormalizeInPlace(b);

        var cosine = VectorMath.Cosine(new FeatureVector("m/1", a), new FeatureVector("m/1", b));

        Assert.Equal(expected, cosine, 5);
    }

    [Fact]
    public void Cosine_DifferentModelIds_Throws()
    {
        var a = new FeatureVector("resnet18/pool/abc", [1, 0]);
        var b = new FeatureVector("vgg16-fc2/fc2/def", [1, 0]);

        var error = Assert.Throws<ArgumentException>(() => VectorMath.Cosine(a, b));
        Assert.Contains("different models", error.Message);
    }

    [Fact]
    public void ToBlob_FromBlob_RoundTripsLittleEndianFloat32()
    {
        float[] values = [1.5f, -2.25f, float.Epsilon, 1e30f];

        var blob = VectorMath.ToBlob(values);

        Assert.Equal(16, blob.Length);
        Assert.Equal(BitConverter.GetBytes(1.5f), blob[..4]); // little-endian on this machine, as SQLite stores it
        Assert.Equal(values, VectorMath.FromBlob(blob));
    }

    [Fact]
    public void FromBlob_LengthNotMultipleOfFour_Throws()
    {
        Assert.Throws<ArgumentException>(() => VectorMath.FromBlob(new byte[7]));
    }
}
