using ImaginAI.Vision.Backends;
using ImaginAI.Vision.Decoding;
using ImaginAI.Vision.Models;
using ImaginAI.Vision.Preprocessing;
using ImaginAI.Vision.Vectors;

namespace ImaginAI.Vision;

/// <summary>
/// Photo to feature vector: decode, preprocess, run the model, read the configured layer, L2-normalise.
/// Thread-safe; one instance serves the whole app.
/// </summary>
public interface IFeatureExtractor : IDisposable
{
    ModelInfo Model { get; }

    /// <summary>
    /// How <see cref="Extract(ReadOnlySpan{byte})"/> decodes (reduced scale down to the model's input size). Callers
    /// that decode themselves use it too, so the same file always gives the same vector.
    /// </summary>
    DecodeOptions DecodeOptions { get; }

    /// <summary>Decodes and embeds an encoded photo. Throws <see cref="PhotoDecodeException"/> for bad files.</summary>
    FeatureVector Extract(ReadOnlySpan<byte> encodedPhoto);

    /// <summary>Embeds an already decoded photo (or a region of one).</summary>
    FeatureVector Extract(DecodedPhoto photo);

    /// <summary>Embeds several decoded photos in one forward pass.</summary>
    IReadOnlyList<FeatureVector> ExtractBatch(IReadOnlyList<DecodedPhoto> photos);
}

/// <summary>The one implementation: a preprocessing profile in front of an inference backend.</summary>
internal sealed class FeatureExtractor : IFeatureExtractor
{
    private readonly PreprocessProfile profile;
    private readonly IInferenceBackend backend;
    private readonly DecodeOptions decodeOptions;
    private readonly int maxBatch;

    public FeatureExtractor(ModelDefinition definition, PreprocessProfile profile, IInferenceBackend backend, VisionOptions options)
    {
        this.profile = profile;
        this.backend = backend;
        maxBatch = Math.Max(1, options.MaxBatch);
        // The model only sees InputSize pixels, so JPEGs may decode at 1/2, 1/4 or 1/8 scale (DCT scaling).
        decodeOptions = new DecodeOptions { MaxPixels = options.MaxPixels, MinShortSide = profile.InputSize };

        // One run on a blank image at start-up learns the layer's size and fails now, not on the first upload.
        var dims = backend.Forward(new float[profile.TensorLength], 1, profile.InputSize).Length;
        if (definition.Dims > 0 && dims != definition.Dims)
            throw new ModelUnavailableException(
                $"Layer '{backend.Layer}' of model '{definition.Name}' gives {dims} values, not the {definition.Dims} configured. " +
                "Check the layer name and Dims in configuration.");
        // An int8 model's vectors depend on its calibration too, so a new calibration is a new model id.
        var weights = WeightsHash.ShortSha256(definition.ModelPath);
        var id = $"{definition.Name}/{backend.Layer}/{weights}" + (definition.Int8Calibration is { } table ? $".{table.ShortHash}" : "");
        Model = new ModelInfo(definition.Name, id, backend.Layer, dims, profile.Name, backend.Name);
    }

    public ModelInfo Model { get; }

    /// <summary>Decode options that let the decoder shrink JPEGs to what the model needs.</summary>
    public DecodeOptions DecodeOptions => decodeOptions;

    public FeatureVector Extract(ReadOnlySpan<byte> encodedPhoto)
    {
        using var photo = PhotoDecoder.Decode(encodedPhoto, decodeOptions);
        return Extract(photo);
    }

    public FeatureVector Extract(DecodedPhoto photo) => ExtractBatch([photo])[0];

    public IReadOnlyList<FeatureVector> ExtractBatch(IReadOnlyList<DecodedPhoto> photos)
    {
        ArgumentNullException.ThrowIfNull(photos);
        var vectors = new List<FeatureVector>(photos.Count);
        for (var start = 0; start < photos.Count; start += maxBatch)
        {
            var batch = Math.Min(maxBatch, photos.Count - start);
            var input = new float[batch * profile.TensorLength];
            for (var i = 0; i < batch; i++)
                profile.Fill(photos[start + i].Bitmap, input.AsSpan(i * profile.TensorLength, profile.TensorLength));
            var output = backend.Forward(input, batch, profile.InputSize);
            if (output.Length != batch * Model.Dims)
                throw new InvalidOperationException($"The model returned {output.Length} values for {batch} photos of {Model.Dims}.");
            for (var i = 0; i < batch; i++)
            {
                var values = output.AsSpan(i * Model.Dims, Model.Dims).ToArray();
                VectorMath.NormalizeInPlace(values);
                vectors.Add(new FeatureVector(Model.Id, values));
            }
        }
        return vectors;
    }

    public void Dispose() => backend.Dispose();
}
