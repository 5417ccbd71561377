namespace ImaginAI.Vision.Models;

/// <summary>File format of a model: ONNX (both backends) or Caffe prototxt + caffemodel (opencv only).</summary>
public enum ModelFormat
{
    Onnx,
    Caffe,
}

/// <summary>
/// A model before it is loaded: name, file(s), preprocessing profile, the layer to read (or the candidate names to
/// look for, first found wins) and the expected dimension (0 when only the file knows). <see cref="ProfileByLayer"/>
/// overrides the profile when the layer found tells which export the file is (the ONNX Model Zoo's VGG16 wants
/// torchvision's normalisation, Keras' and Caffe's the "caffe" mode).
/// </summary>
public sealed record ModelDefinition(
    string Name,
    ModelFormat Format,
    string ModelPath,
    string? ConfigPath,
    string Profile,
    IReadOnlyList<string> LayerCandidates,
    int Dims)
{
    public IReadOnlyDictionary<string, string> ProfileByLayer { get; init; } = new Dictionary<string, string>();

    /// <summary>Set for a model quantised to int8 at load: the activation ranges to quantise with (ONNX Runtime only).</summary>
    public Int8CalibrationTable? Int8Calibration { get; init; }
}
