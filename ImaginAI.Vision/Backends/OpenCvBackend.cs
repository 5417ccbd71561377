using System.Runtime.InteropServices;
using ImaginAI.Vision.Models;
using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace ImaginAI.Vision.Backends;

/// <summary>
/// OpenCV's DNN module (the design's runtime), reading any named layer with <c>Net.Forward(name)</c>. A Net keeps
/// per-run state and is not thread-safe, so runs are serialised by a lock.
/// </summary>
public sealed class OpenCvBackend : IInferenceBackend
{
    private readonly Net net;
    private readonly Lock gate = new();
    private readonly string netLayerName;

    /// <param name="format">ONNX or Caffe.</param>
    /// <param name="modelPath">The .onnx file, or the .caffemodel weights.</param>
    /// <param name="configPath">The Caffe .prototxt (Caffe only).</param>
    /// <param name="layerCandidates">Layer names to read, first one present wins.</param>
    /// <param name="threads">Threads OpenCV may use; 0 = one per core. OpenCV's setting is process-wide.</param>
    public OpenCvBackend(ModelFormat format, string modelPath, string? configPath, IReadOnlyList<string> layerCandidates, int threads)
    {
        EnsureNativeLibrary();
        byte[]? onnx = format == ModelFormat.Onnx ? File.ReadAllBytes(modelPath) : null;
        // Parsed here too, to name layers the way ONNX Runtime does and to refuse a damaged file in plain words.
        var graph = onnx is null ? null : OnnxGraph.Parse(onnx, modelPath).Graph;
        try
        {
            net = (onnx is null
                      ? CvDnn.ReadNetFromCaffe(configPath ?? throw new ArgumentNullException(nameof(configPath)), modelPath)
                      : CvDnn.ReadNetFromOnnx(onnx))
                  ?? throw new ModelUnavailableException($"OpenCV could not read {Path.GetFileName(modelPath)}.");
        }
        catch (OpenCVException e)
        {
            throw new ModelUnavailableException($"OpenCV DNN cannot load {Path.GetFileName(modelPath)}: {e.ErrMsg}", e);
        }
        net.SetPreferableBackend(Backend.OPENCV);
        net.SetPreferableTarget(Target.CPU);
        Cv2.SetNumThreads(threads > 0 ? threads : Environment.ProcessorCount);

        var names = net.GetLayerNames().Where(n => n is not null).Select(n => n!).ToHashSet(StringComparer.Ordinal);
        (Layer, netLayerName) = graph is null
            ? ResolveCaffeLayer(layerCandidates, names, modelPath)
            : ResolveOnnxLayer(layerCandidates, names, graph, modelPath);
    }

    private static (string Layer, string NetName) ResolveCaffeLayer(IReadOnlyList<string> candidates, HashSet<string> names, string modelPath)
    {
        var layer = candidates.FirstOrDefault(names.Contains)
                    ?? throw new ModelUnavailableException(OnnxGraph.LayerNotFoundMessage(candidates, modelPath, names));
        return (layer, layer);
    }

    /// <summary>
    /// Candidates are ONNX tensor names (as ONNX Runtime reads them). OpenCV names a layer after the node that makes
    /// the tensor ("onnx_node!&lt;node&gt;"), or after the tensor itself when it is a graph output.
    /// </summary>
    private static (string Layer, string NetName) ResolveOnnxLayer(IReadOnlyList<string> candidates, HashSet<string> names, Onnx.GraphProto graph, string modelPath)
    {
        var tensor = OnnxGraph.ResolveLayer(graph, candidates, modelPath);
        var producer = graph.Node.First(n => n.Output.Contains(tensor));
        foreach (var name in new[] { tensor, "onnx_node!" + producer.Name, producer.Name })
            if (names.Contains(name)) return (tensor, name);
        throw new ModelUnavailableException(OnnxGraph.LayerNotFoundMessage(candidates, modelPath, names));
    }

    public string Name => BackendNames.OpenCv;
    public string Layer { get; }

    /// <summary>
    /// Loads OpenCV's native library, turning the failure Debian gives without GTK into an explanation. Only the
    /// opencv backend calls this: the default path never loads OpenCV.
    /// </summary>
    public static void EnsureNativeLibrary()
    {
        try
        {
            _ = Cv2.GetVersionString();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException or EntryPointNotFoundException or OpenCvSharpException)
        {
            throw new ModelUnavailableException(
                "The opencv backend cannot start: OpenCV's native library (libOpenCvSharpExtern.so) did not load. " +
                "On Debian/Ubuntu it needs GTK 3: run `apt-get install libgtk-3-0`, or set Vision:Backend to onnxruntime. " +
                $"({e.GetBaseException().Message})", e);
        }
    }

    public float[] Forward(float[] input, int batch, int size)
    {
        if (input.Length != batch * 3 * size * size) throw new ArgumentException("Input length does not match the batch.", nameof(input));
        lock (gate)
        {
            using var blob = Mat.FromPixelData(new[] { batch, 3, size, size }, MatType.CV_32F, input);
            net.SetInput(blob);
            using var output = net.Forward(netLayerName);
            using var continuous = output.IsContinuous() ? null : output.Clone();
            var source = continuous ?? output;
            var result = new float[checked((int)source.Total())];
            Marshal.Copy(source.Data, result, 0, result.Length);
            return result;
        }
    }

    public void Dispose() => net.Dispose();
}
