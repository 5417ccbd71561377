namespace ImaginAI.Vision.Models;

/// <summary>Turns a model name from configuration into a <see cref="ModelDefinition"/> whose files exist.</summary>
public static class ModelCatalog
{
    /// <summary>ImageNet ResNet18 from Microsoft.ML.DnnImageFeaturizer.ResNet18, its 512-d pooled output, in float32 as shipped.</summary>
    public const string ResNet18 = "resnet18";

    /// <summary>
    /// The built-in default: the same ResNet18 quantised to int8 when it loads (<see cref="Int8Calibration.ResNet18"/>).
    /// Its forward costs half the CPU time of <see cref="ResNet18"/> on ONNX Runtime, for vectors within cosine 0.98 of
    /// the float ones (docs/BENCHMARKS.md); ONNX Runtime only.
    /// </summary>
    public const string ResNet18Int8 = "resnet18-int8";

    /// <summary>The model used when none is configured.</summary>
    public const string Default = ResNet18Int8;

    /// <summary>VGG16's second fully connected layer (4096-d, after its ReLU), from a file the user supplies.</summary>
    public const string Vgg16Fc2 = "vgg16-fc2";

    /// <summary>Names of VGG16's fc2 activation (after ReLU) in the common exports, by preset.</summary>
    public static IReadOnlyDictionary<string, string> Vgg16Fc2Presets { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        // Keras' VGG16 (and the generated test/benchmark models): the Dense layer "fc2" with its built-in ReLU.
        ["keras"] = "fc2",
        // ONNX Model Zoo vgg16-7 / vgg16-12 (converted from MXNet Gluon): the ReLU after the second dense layer.
        ["zoo"] = "vgg0_dense1_relu_fwd",
        // torchvision.models.vgg16 exported with torch.onnx: classifier[4] is the ReLU after the second Linear.
        ["torchvision"] = "/classifier/classifier.4/Relu_output_0",
        // Caffe VGG_ILSVRC_16_layers: fc7 with its in-place relu7.
        ["caffe"] = "fc7",
    };

    /// <summary>
    /// The Zoo's VGG16 (from MXNet Gluon) and torchvision's were trained on RGB scaled to 0-1 and standardised, not on
    /// Keras' BGR minus means; feeding them the wrong one still runs but gives poorer vectors.
    /// </summary>
    private static readonly Dictionary<string, string> Vgg16ProfileByLayer = new(StringComparer.Ordinal)
    {
        ["vgg0_dense1_relu_fwd"] = "imagenet",
        ["/classifier/classifier.4/Relu_output_0"] = "imagenet",
    };

    /// <summary>The ONNX file names looked for in the model directory for vgg16-fc2, in order.</summary>
    public static IReadOnlyList<string> Vgg16OnnxFileNames { get; } = ["vgg16-fc2.onnx", "vgg16-12.onnx", "vgg16-7.onnx", "vgg16.onnx"];

    /// <summary>The Caffe files looked for in the model directory for vgg16-fc2 (opencv backend only).</summary>
    public static (string Prototxt, string Weights) Vgg16CaffeFileNames { get; } =
        ("VGG_ILSVRC_16_layers_deploy.prototxt", "VGG_ILSVRC_16_layers.caffemodel");

    /// <summary>Where the built-in ResNet18 is copied with the app.</summary>
    public static string ResNet18Path => Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");

    /// <summary>Resolves <see cref="VisionOptions.Model"/>. Throws <see cref="ModelUnavailableException"/> when files are missing.</summary>
    public static ModelDefinition Resolve(VisionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var name = string.IsNullOrWhiteSpace(options.Model) ? Default : options.Model.Trim();
        // A configured entry wins over a built-in of the same name, so a user can point vgg16-fc2 at any file.
        if (options.Models.TryGetValue(name, out var custom)) return Custom(name, custom, options);
        if (name.Equals(ResNet18, StringComparison.OrdinalIgnoreCase)) return BuiltInResNet18();
        if (name.Equals(ResNet18Int8, StringComparison.OrdinalIgnoreCase)) return BuiltInResNet18Int8();
        if (name.Equals(Vgg16Fc2, StringComparison.OrdinalIgnoreCase)) return Vgg16(options);
        var known = new[] { ResNet18Int8, ResNet18, Vgg16Fc2 }.Concat(options.Models.Keys);
        throw new ModelUnavailableException(
            $"There is no model called '{name}'. Known models: {string.Join(", ", known)}. " +
            "A custom model is configured under Vision:Models:<name> with File, Profile, Layer and Dims (see docs/MODELS.md).");
    }

    private static ModelDefinition BuiltInResNet18()
    {
        var path = ResNet18Path;
        if (!File.Exists(path))
            throw new ModelUnavailableException(
                $"The built-in ResNet18 model is missing at {path}. It is copied there by the build from the NuGet package " +
                "Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (tools/DnnImageModels); rebuild or reinstall the Tracker.");
        return new ModelDefinition(ResNet18, ModelFormat.Onnx, path, null, "resnet18", ["Pooling395_Output_0"], 512);
    }

    private static ModelDefinition BuiltInResNet18Int8()
    {
        var float32 = BuiltInResNet18();
        var calibration = Int8Calibration.ResNet18;
        if (!string.Equals(calibration.SourceSha256, WeightsHash.Sha256(float32.ModelPath), StringComparison.OrdinalIgnoreCase))
            throw new ModelUnavailableException(
                $"The int8 calibration was measured on other ResNet18 weights than {float32.ModelPath}: reinstall the Tracker, " +
                "or set Vision:Model to resnet18 to run the float model.");
        return float32 with { Name = ResNet18Int8, Int8Calibration = calibration };
    }

    private static ModelDefinition Vgg16(VisionOptions options)
    {
        var directory = Path.GetFullPath(options.ModelDirectory);
        var layers = Vgg16LayerCandidates(options.Vgg16Layer);
        foreach (var fileName in Vgg16OnnxFileNames)
        {
            var path = Path.Combine(directory, fileName);
            if (File.Exists(path))
                return new ModelDefinition(Vgg16Fc2, ModelFormat.Onnx, path, null, "vgg16", layers, 4096) { ProfileByLayer = Vgg16ProfileByLayer };
        }
        var (prototxt, weights) = Vgg16CaffeFileNames;
        if (File.Exists(Path.Combine(directory, prototxt)) && File.Exists(Path.Combine(directory, weights)))
            return new ModelDefinition(Vgg16Fc2, ModelFormat.Caffe, Path.Combine(directory, weights), Path.Combine(directory, prototxt), "vgg16", layers, 4096);
        throw new ModelUnavailableException(Vgg16MissingMessage(directory));
    }

    /// <summary>What to download and where to put it when the VGG16 files are missing (also in docs/MODELS.md).</summary>
    public static string Vgg16MissingMessage(string directory) =>
        $"The VGG16 model is not installed: no {string.Join(", ", Vgg16OnnxFileNames)} in {directory}. " +
        "Download vgg16-12.onnx from the ONNX Model Zoo (validated/vision/classification/vgg/model/vgg16-12.onnx, 528 MB) " +
        "or export Keras' VGG16 to ONNX, and put the file in that folder (setting Vision:ModelDirectory). " +
        $"For the opencv backend, {Vgg16CaffeFileNames.Prototxt} + {Vgg16CaffeFileNames.Weights} from the Caffe Model Zoo also work. " +
        "Or use the built-in model: set Vision:Model to resnet18. See docs/MODELS.md.";

    private static IReadOnlyList<string> Vgg16LayerCandidates(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured)) return [.. Vgg16Fc2Presets.Values];
        return Vgg16Fc2Presets.TryGetValue(configured.Trim(), out var preset) ? [preset] : [configured.Trim()];
    }

    private static ModelDefinition Custom(string name, CustomModelOptions custom, VisionOptions options)
    {
        if (string.IsNullOrWhiteSpace(custom.File))
            throw new ModelUnavailableException($"Model '{name}' has no file: set Vision:Models:{name}:File to its .onnx or .caffemodel.");
        if (string.IsNullOrWhiteSpace(custom.Layer))
            throw new ModelUnavailableException($"Model '{name}' has no layer: set Vision:Models:{name}:Layer to the tensor or layer to read.");
        var directory = Path.GetFullPath(options.ModelDirectory);
        var path = Path.Combine(directory, custom.File);
        var isCaffe = path.EndsWith(".caffemodel", StringComparison.OrdinalIgnoreCase);
        var config = custom.Config is null ? null : Path.Combine(directory, custom.Config);
        if (!File.Exists(path))
            throw new ModelUnavailableException($"The file of model '{name}' is missing: {path}. Put it there or fix Vision:Models:{name}:File.");
        if (isCaffe && (config is null || !File.Exists(config)))
            throw new ModelUnavailableException(
                $"Caffe model '{name}' needs its .prototxt too: set Vision:Models:{name}:Config" + (config is null ? "." : $" (missing: {config})."));
        if (!Preprocessing.PreprocessProfiles.Names.Contains(custom.Profile, StringComparer.OrdinalIgnoreCase))
            throw new ModelUnavailableException(
                $"Model '{name}' names an unknown preprocessing profile '{custom.Profile}'. Known profiles: {string.Join(", ", Preprocessing.PreprocessProfiles.Names)}.");
        var layer = Vgg16Fc2Presets.TryGetValue(custom.Layer, out var preset) ? preset : custom.Layer;
        return new ModelDefinition(name, isCaffe ? ModelFormat.Caffe : ModelFormat.Onnx, path, config, custom.Profile, [layer], custom.Dims);
    }
}
