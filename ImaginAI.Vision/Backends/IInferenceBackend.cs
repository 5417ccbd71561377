namespace ImaginAI.Vision.Backends;

/// <summary>
/// A loaded model on one inference runtime: takes a batch of preprocessed NCHW images and returns the flattened
/// activation of one layer per image. Implementations are safe to call from several threads at once.
/// </summary>
public interface IInferenceBackend : IDisposable
{
    /// <summary>"onnxruntime" or "opencv".</summary>
    string Name { get; }

    /// <summary>The tensor or layer actually read (after resolving presets).</summary>
    string Layer { get; }

    /// <summary>Runs <paramref name="batch"/> images of 3 × size × size floats and returns batch × dims floats.</summary>
    float[] Forward(float[] input, int batch, int size);
}

/// <summary>Backend names and the choice "auto" makes.</summary>
public static class BackendNames
{
    public const string OnnxRuntime = "onnxruntime";
    public const string OpenCv = "opencv";
    public const string Auto = "auto";

    /// <summary>
    /// What "auto" runs. ONNX Runtime measured about twice as fast as OpenCV for ResNet18 on the 2-core server and
    /// level with it for VGG16 (docs/BENCHMARKS.md); it runs concurrently and keeps the default path free of
    /// OpenCV's native library. Caffe files only load in OpenCV.
    /// </summary>
    public static string ResolveAuto(Models.ModelFormat format) => format == Models.ModelFormat.Caffe ? OpenCv : OnnxRuntime;
}
