using Onnx;

namespace ImaginAI.Vision.Preprocessing;

/// <summary>The preprocessing profiles known by name.</summary>
public static class PreprocessProfiles
{
    /// <summary>The built-in profile names, for messages and configuration checks.</summary>
    public static IReadOnlyList<string> Names { get; } = ["vgg16", "resnet18", "imagenet"];

    /// <summary>Keras <c>vgg16.preprocess_input</c> ("caffe" mode): 224², BGR, ImageNet BGR means subtracted, no scaling.</summary>
    public static PreprocessProfile Vgg16 { get; } =
        PreprocessProfile.PerChannel("vgg16", 224, bgr: true, [103.939f, 116.779f, 123.68f], [1f, 1f, 1f]);

    /// <summary>
    /// torchvision's ImageNet normalisation (RGB, /255, mean 0.485/0.456/0.406, std 0.229/0.224/0.225), for
    /// custom models exported from PyTorch.
    /// </summary>
    public static PreprocessProfile ImageNet { get; } = PreprocessProfile.PerChannel("imagenet", 224, bgr: false,
        [0.485f * 255, 0.456f * 255, 0.406f * 255], [1 / (0.229f * 255), 1 / (0.224f * 255), 1 / (0.225f * 255)]);

    private static readonly Lazy<PreprocessProfile> resNet18 = new(() => LoadResNet18(ResNet18PreprocessPath));

    /// <summary>
    /// What the package's ResNetPreprocess.onnx graph does to ML.NET's 224² RGB planes of 0-255 values: reorder to
    /// BGR and subtract its 3×224×224 mean image (a per-pixel mean, not three constants). Read from the graph file.
    /// </summary>
    public static PreprocessProfile ResNet18 => resNet18.Value;

    /// <summary>Where the built-in ResNet18 preprocessing graph is copied with the app.</summary>
    public static string ResNet18PreprocessPath =>
        Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNetPrepOnnx", "ResNetPreprocess.onnx");

    /// <summary>The profile called <paramref name="name"/>; throws with the known names when there is none.</summary>
    public static PreprocessProfile Get(string name) => name.ToLowerInvariant() switch
    {
        "vgg16" => Vgg16,
        "resnet18" => ResNet18,
        "imagenet" => ImageNet,
        _ => throw new ArgumentException($"Unknown preprocessing profile '{name}'. Known profiles: {string.Join(", ", Names)}."),
    };

    internal static PreprocessProfile LoadResNet18(string graphPath)
    {
        if (!File.Exists(graphPath))
            throw new ModelUnavailableException(
                $"The ResNet18 preprocessing graph is missing at {graphPath}. It ships with the app (NuGet package " +
                "Microsoft.ML.DnnImageFeaturizer.ResNet18, tools/DnnImageModels); rebuild or reinstall the Tracker.");
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(graphPath)).Graph;
        // The graph is Split(RGB) -> Concat(B, G, R) -> Sub(MeanImage); check that shape of it before trusting the constant.
        var ops = string.Join(",", graph.Node.Select(n => n.OpType));
        var mean = graph.Initializer.SingleOrDefault(t => t.Name == "MeanImage");
        if (ops != "Split,Concat,Sub" || mean is null || mean.Dims.Count != 4 || mean.Dims[1] != 3 || mean.Dims[2] != mean.Dims[3])
            throw new ModelUnavailableException($"{graphPath} is not the expected ResNet preprocessing graph (ops: {ops}).");
        var size = checked((int)mean.Dims[2]);
        var values = mean.FloatData.Count > 0
            ? mean.FloatData.ToArray()
            : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(mean.RawData.Span).ToArray();
        return new PreprocessProfile("resnet18", size, bgr: true, values, [1f, 1f, 1f]);
    }
}
