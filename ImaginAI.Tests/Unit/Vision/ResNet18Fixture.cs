using ImaginAI.Vision;

namespace ImaginAI.Tests.Unit.Vision;

/// <summary>The shipped ResNet18 on ONNX Runtime, loaded once per test class (63 MB).</summary>
public sealed class ResNet18Fixture : IDisposable
{
    public IFeatureExtractor Extractor { get; } =
        VisionEngine.Create(new VisionOptions { Model = "resnet18", Backend = "onnxruntime", Threads = 2 });

    public void Dispose() => Extractor.Dispose();
}

/// <summary>The default model: the shipped ResNet18 quantised to int8 at load, on ONNX Runtime.</summary>
public sealed class ResNet18Int8Fixture : IDisposable
{
    public IFeatureExtractor Extractor { get; } =
        VisionEngine.Create(new VisionOptions { Model = "resnet18-int8", Backend = "onnxruntime", Threads = 2 });

    public void Dispose() => Extractor.Dispose();
}
