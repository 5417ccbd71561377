namespace ImaginAI.Vision.Vectors;

/// <summary>Vector math over float32 spans, on System.Numerics.Tensors.TensorPrimitives. CONTRACT STUB.</summary>
public static class VectorMath
{
    /// <summary>Scales <paramref name="values"/> in place to unit L2 norm and returns the norm it had.</summary>
    public static float NormalizeInPlace(Span<float> values) => throw new NotImplementedException();

    /// <summary>Cosine similarity of two vectors of the same model; throws if the model ids differ.</summary>
    public static float Cosine(FeatureVector a, FeatureVector b) => throw new NotImplementedException();

    /// <summary>Little-endian float32 bytes, as stored in SQLite BLOBs.</summary>
    public static byte[] ToBlob(ReadOnlySpan<float> values) => throw new NotImplementedException();

    /// <summary>Inverse of <see cref="ToBlob"/>.</summary>
    public static float[] FromBlob(ReadOnlySpan<byte> blob) => throw new NotImplementedException();
}
