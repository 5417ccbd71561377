namespace ImaginAI.Vision.Vectors;

/// <summary>A scored hit of a <see cref="VectorIndex"/> search.</summary>
public readonly record struct VectorHit(long Id, float Score);

/// <summary>
/// In-memory index of unit vectors of one model, searched by dot product (cosine). Thread-safe for concurrent
/// reads and writes. CONTRACT STUB.
/// </summary>
public sealed class VectorIndex(string modelId, int dims)
{
    public string ModelId { get; } = modelId;
    public int Dims { get; } = dims;
    public int Count => throw new NotImplementedException();
    public void Upsert(long id, ReadOnlySpan<float> unitVector) => throw new NotImplementedException();
    public bool Remove(long id) => throw new NotImplementedException();
    public bool TryGet(long id, out float[] vector) => throw new NotImplementedException();

    /// <summary>The <paramref name="k"/> most similar vectors, best first, among those <paramref name="filter"/> keeps.</summary>
    public IReadOnlyList<VectorHit> Search(ReadOnlySpan<float> query, int k, Func<long, bool>? filter = null) => throw new NotImplementedException();
}
