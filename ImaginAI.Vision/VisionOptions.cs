using System.ComponentModel.DataAnnotations;

namespace ImaginAI.Vision;

/// <summary>Configuration of the vision engine (bound from the "Vision" configuration section by the Tracker).</summary>
public sealed class VisionOptions
{
    /// <summary>
    /// Model name: "resnet18-int8" (built in, default), "resnet18" (the same network in float32), "vgg16-fc2", or the
    /// name of a custom model in <see cref="Models"/>.
    /// </summary>
    [Required(ErrorMessage = "Vision:Model must name a model.")]
    public string Model { get; set; } = Vision.Models.ModelCatalog.Default;

    /// <summary>"onnxruntime", "opencv", or "auto" (the measured faster one for the model).</summary>
    [RegularExpression("(?i)^(auto|onnxruntime|opencv)$", ErrorMessage = "Vision:Backend must be auto, onnxruntime or opencv.")]
    public string Backend { get; set; } = "auto";

    /// <summary>Intra-op threads for inference; 0 means one per core.</summary>
    [Range(0, 1024, ErrorMessage = "Vision:Threads must be between 0 (one per core) and 1024.")]
    public int Threads { get; set; }

    /// <summary>Where user-supplied model files live (vgg16 and custom models). Relative to the working directory.</summary>
    [Required(ErrorMessage = "Vision:ModelDirectory must name a folder.")]
    public string ModelDirectory { get; set; } = "models";

    /// <summary>Pixel limit checked from the header before decoding.</summary>
    [Range(1, long.MaxValue, ErrorMessage = "Vision:MaxPixels must be positive.")]
    public long MaxPixels { get; set; } = 100_000_000;

    /// <summary>Uploads and searches refuse photos with fewer pixels than this on the short side.</summary>
    public int MinPhotoSide { get; set; } = 32;

    /// <summary>
    /// The layer read from VGG16 for "vgg16-fc2": a tensor or layer name, or a preset ("keras", "zoo",
    /// "torchvision", "caffe"). Empty means: try the presets in turn and use the first the file has.
    /// </summary>
    public string? Vgg16Layer { get; set; }

    /// <summary>Most photos sent through one forward pass; larger batches are split.</summary>
    [Range(1, 256, ErrorMessage = "Vision:MaxBatch must be between 1 and 256.")]
    public int MaxBatch { get; set; } = 8;

    /// <summary>Custom models by name (configuration section Vision:Models:&lt;name&gt;).</summary>
    public Dictionary<string, CustomModelOptions> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>A model the user brings: its file(s), preprocessing profile, the layer to read and its dimension.</summary>
public sealed class CustomModelOptions
{
    /// <summary>The ONNX file, or the Caffe .caffemodel weights; relative paths are under <see cref="VisionOptions.ModelDirectory"/>.</summary>
    public string File { get; set; } = "";

    /// <summary>The Caffe .prototxt (Caffe models only; they run on the opencv backend).</summary>
    public string? Config { get; set; }

    /// <summary>Preprocessing profile: "vgg16", "resnet18" or "imagenet".</summary>
    public string Profile { get; set; } = "vgg16";

    /// <summary>The tensor (ONNX) or layer (Caffe) whose activation becomes the vector.</summary>
    public string Layer { get; set; } = "";

    /// <summary>Expected length of the flattened layer; checked on the first photo. 0 accepts whatever the layer gives.</summary>
    public int Dims { get; set; }
}
