namespace ImaginAI.Vision.Models;

/// <summary>File format of a model: ONNX (both backends) or Caffe prototxt + caffemodel (opencv only).</summary>
public enum ModelFormat
{
    Onnx,
    Caffe,
}

/// <summary>
/// A model before it is loaded: name, file(s), preprocessing profile, the layer to read (or the candidate names to
/// look for, first found wins) and the expected dimension (0 when only the file knows).
/// </summary>
public sealed record ModelDefinition(
    string Name,
    ModelFormat Format,
    string ModelPath,
    string? ConfigPath,
    string Profile,
    IReadOnlyList<string> LayerCandidates,
    int Dims);
