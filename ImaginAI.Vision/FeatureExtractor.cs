using ImaginAI.Vision.Decoding;
using ImaginAI.Vision.Models;
using ImaginAI.Vision.Vectors;

namespace ImaginAI.Vision;

/// <summary>
/// Photo to feature vector: decode, preprocess, run the model, read the configured layer, L2-normalise.
/// Thread-safe; one instance serves the whole app.
/// </summary>
public interface IFeatureExtractor : IDisposable
{
    ModelInfo Model { get; }

    /// <summary>Decodes and embeds an encoded photo. Throws <see cref="PhotoDecodeException"/> for bad files.</summary>
    FeatureVector Extract(ReadOnlySpan<byte> encodedPhoto);

    /// <summary>Embeds an already decoded photo (or a region of one).</summary>
    FeatureVector Extract(DecodedPhoto photo);

    /// <summary>Embeds several decoded photos in one forward pass.</summary>
    IReadOnlyList<FeatureVector> ExtractBatch(IReadOnlyList<DecodedPhoto> photos);
}
