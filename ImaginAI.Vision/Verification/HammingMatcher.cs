using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ImaginAI.Vision.Verification;

/// <summary>
/// Brute-force nearest and second-nearest neighbours by Hamming distance, as OpenCV's <c>BFMatcher.KnnMatch(k: 2)</c>
/// finds them, in managed code on 64-bit words. The ratio test keeps a match only when the nearest distance is well
/// below the second, so ties never decide anything and the kept matches are exactly OpenCV's. It was measured at a
/// fraction of OpenCV's CPU time for 2,000 × 2,000 ORB descriptors (docs/BENCHMARKS.md, "Ingest").
/// </summary>
internal static class HammingMatcher
{
    /// <summary>For each query descriptor: the nearest train descriptor, its distance and the second-nearest distance.</summary>
    public static void NearestTwo(ReadOnlySpan<byte> query, ReadOnlySpan<byte> train, int descriptorBytes,
        Span<int> nearest, Span<int> nearestDistance, Span<int> secondDistance)
    {
        var words = descriptorBytes / 8;
        var q = MemoryMarshal.Cast<byte, ulong>(query);
        var t = MemoryMarshal.Cast<byte, ulong>(train);
        var queryCount = q.Length / words;
        var trainCount = t.Length / words;
        for (var i = 0; i < queryCount; i++)
        {
            var row = q.Slice(i * words, words);
            int best = int.MaxValue, second = int.MaxValue, bestIndex = -1;
            if (words == 4)
            {
                ulong q0 = row[0], q1 = row[1], q2 = row[2], q3 = row[3];
                for (var j = 0; j < trainCount; j++)
                {
                    var o = j * 4;
                    var d = BitOperations.PopCount(q0 ^ t[o]) + BitOperations.PopCount(q1 ^ t[o + 1])
                          + BitOperations.PopCount(q2 ^ t[o + 2]) + BitOperations.PopCount(q3 ^ t[o + 3]);
                    Offer(d, j, ref best, ref second, ref bestIndex);
                }
            }
            else
            {
                for (var j = 0; j < trainCount; j++)
                {
                    var other = t.Slice(j * words, words);
                    var d = 0;
                    for (var w = 0; w < words; w++) d += BitOperations.PopCount(row[w] ^ other[w]);
                    Offer(d, j, ref best, ref second, ref bestIndex);
                }
            }
            nearest[i] = bestIndex;
            nearestDistance[i] = best;
            secondDistance[i] = second;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Offer(int distance, int index, ref int best, ref int second, ref int bestIndex)
    {
        if (distance >= second) return;
        if (distance < best)
        {
            second = best;
            best = distance;
            bestIndex = index;
        }
        else second = distance;
    }
}
