using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ImaginAI.Vision.Vectors;

/// <summary>
/// Scalar int8 codes of unit vectors, one scale per vector: a stored vector is 1 byte a dimension (a quarter of
/// float32), and a query is widened once to 16-bit so each comparison is a sign-extend and a multiply-add.
/// </summary>
public static class Int8Codes
{
    /// <summary>Largest 16-bit query level: 4095 × 127 × 4096 dimensions still fits an int32 sum.</summary>
    public const int QueryLevels = 4095;

    /// <summary>
    /// Writes round(x × 127 / max|x|) into <paramref name="codes"/> and returns the scale that turns code values
    /// back into the vector's (code × scale ≈ x); 0 for an all-zero vector.
    /// </summary>
    public static float Quantize(ReadOnlySpan<float> values, Span<sbyte> codes) => Quantize(values, codes, 127);

    /// <summary>The query's 16-bit levels (see <see cref="QueryLevels"/>) and the scale back to its values.</summary>
    public static float QuantizeQuery(ReadOnlySpan<float> values, Span<short> levels)
    {
        var max = MaxMagnitude(values);
        if (!(max > 0))
        {
            levels.Clear();
            return 0;
        }
        var factor = QueryLevels / max;
        for (var i = 0; i < values.Length; i++) levels[i] = (short)MathF.Round(values[i] * factor);
        return max / QueryLevels;
    }

    private static float Quantize(ReadOnlySpan<float> values, Span<sbyte> codes, int levels)
    {
        var max = MaxMagnitude(values);
        if (!(max > 0) || !float.IsFinite(max))
        {
            codes.Clear();
            return 0;
        }
        var factor = levels / max;
        var scaled = values.Length <= 4096 ? stackalloc float[values.Length] : new float[values.Length];
        TensorPrimitives.Multiply(values, factor, scaled);
        TensorPrimitives.Round(scaled, scaled);
        TensorPrimitives.ConvertSaturating(scaled, codes);
        return max / levels;
    }

    private static float MaxMagnitude(ReadOnlySpan<float> values) => values.IsEmpty ? 0 : MathF.Abs(TensorPrimitives.MaxMagnitude(values));

    /// <summary>Σ query[i] × codes[i] over equal-length spans, exactly, in 32-bit integers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Dot(ReadOnlySpan<short> query, ReadOnlySpan<sbyte> codes)
    {
        var n = Math.Min(query.Length, codes.Length);
        ref var q = ref MemoryMarshal.GetReference(query);
        ref var c = ref MemoryMarshal.GetReference(codes);
        var i = 0;
        var sum = 0;
        if (Avx512BW.IsSupported && n >= 64)
        {
            var a = Vector512<int>.Zero;
            var b = Vector512<int>.Zero;
            for (; i + 64 <= n; i += 64)
            {
                var c0 = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref c, (nuint)i));
                var c1 = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref c, (nuint)(i + 32)));
                a = Avx512F.Add(a, Avx512BW.MultiplyAddAdjacent(c0, Vector512.LoadUnsafe(ref q, (nuint)i)));
                b = Avx512F.Add(b, Avx512BW.MultiplyAddAdjacent(c1, Vector512.LoadUnsafe(ref q, (nuint)(i + 32))));
            }
            sum = Vector512.Sum(a + b);
        }
        if (Avx2.IsSupported)
        {
            var a = Vector256<int>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                var c0 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref c, (nuint)i));
                a = Avx2.Add(a, Avx2.MultiplyAddAdjacent(c0, Vector256.LoadUnsafe(ref q, (nuint)i)));
            }
            sum += Vector256.Sum(a);
        }
        for (; i < n; i++) sum += Unsafe.Add(ref q, i) * Unsafe.Add(ref c, i);
        return sum;
    }
}
