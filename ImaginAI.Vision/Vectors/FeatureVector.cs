namespace ImaginAI.Vision.Vectors;

/// <summary>
/// An L2-normalised float32 feature vector and the id of the model that made it.
/// Cosine similarity between two vectors is their dot product; vectors of different models are never compared.
/// </summary>
public sealed class FeatureVector
{
    public FeatureVector(string modelId, float[] values)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        ArgumentNullException.ThrowIfNull(values);
        ModelId = modelId;
        Values = values;
    }

    public string ModelId { get; }
    public float[] Values { get; }
    public int Dims => Values.Length;
}
