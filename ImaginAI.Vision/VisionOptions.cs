namespace ImaginAI.Vision;

/// <summary>Configuration of the vision engine (bound from the "Vision" configuration section by the Tracker).</summary>
public sealed class VisionOptions
{
    /// <summary>Model name: "resnet18" (built in, default), "vgg16-fc2", or the name of a custom model in configuration.</summary>
    public string Model { get; set; } = "resnet18";

    /// <summary>"onnxruntime", "opencv", or "auto" (the measured faster one for the model).</summary>
    public string Backend { get; set; } = "auto";

    /// <summary>Intra-op threads for inference; 0 means one per core.</summary>
    public int Threads { get; set; }

    /// <summary>Where user-supplied model files live (vgg16 and custom models). Relative to the working directory.</summary>
    public string ModelDirectory { get; set; } = "models";

    /// <summary>Pixel limit checked from the header before decoding.</summary>
    public long MaxPixels { get; set; } = 100_000_000;
}
