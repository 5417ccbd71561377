using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace ImaginAI.Vision.Vectors;

/// <summary>Vector math over float32 spans, on System.Numerics.Tensors.TensorPrimitives.</summary>
public static class VectorMath
{
    /// <summary>Scales <paramref name="values"/> in place to unit L2 norm and returns the norm it had.</summary>
    /// <remarks>An all-zero vector stays zero (its norm, 0, is returned) rather than turning into NaNs.</remarks>
    public static float NormalizeInPlace(Span<float> values)
    {
        var norm = TensorPrimitives.Norm(values);
        if (norm > 0 && float.IsFinite(norm)) TensorPrimitives.Divide(values, norm, values);
        return norm;
    }

    /// <summary>Cosine similarity of two vectors of the same model; throws if the model ids differ.</summary>
    public static float Cosine(FeatureVector a, FeatureVector b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!string.Equals(a.ModelId, b.ModelId, StringComparison.Ordinal))
            throw new ArgumentException(
                $"Vectors of different models cannot be compared: '{a.ModelId}' and '{b.ModelId}'. Re-embed the photos with one model.");
        if (a.Dims != b.Dims)
            throw new ArgumentException($"Vectors of model '{a.ModelId}' have different lengths: {a.Dims} and {b.Dims}.");
        // Both are unit vectors, so the dot product is the cosine.
        return TensorPrimitives.Dot(a.Values, b.Values);
    }

    /// <summary>Little-endian float32 bytes, as stored in SQLite BLOBs.</summary>
    public static byte[] ToBlob(ReadOnlySpan<float> values)
    {
        var blob = new byte[values.Length * sizeof(float)];
        if (BitConverter.IsLittleEndian)
            MemoryMarshal.AsBytes(values).CopyTo(blob);
        else
            for (var i = 0; i < values.Length; i++)
                BinaryPrimitives.WriteSingleLittleEndian(blob.AsSpan(i * sizeof(float)), values[i]);
        return blob;
    }

    /// <summary>Inverse of <see cref="ToBlob"/>.</summary>
    public static float[] FromBlob(ReadOnlySpan<byte> blob)
    {
        if (blob.Length % sizeof(float) != 0)
            throw new ArgumentException($"A vector BLOB must be a whole number of float32 values; this one has {blob.Length} bytes.", nameof(blob));
        var values = new float[blob.Length / sizeof(float)];
        if (BitConverter.IsLittleEndian)
            blob.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        else
            for (var i = 0; i < values.Length; i++)
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(blob[(i * sizeof(float))..]);
        return values;
    }
}
