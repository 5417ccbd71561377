using ImaginAI.Vision;

namespace ImaginAI.Tests.Unit.Vision;

/// <summary>The shipped ResNet18 on ONNX Runtime, loaded once per test class (63 MB).</summary>
public sealed class ResNet18Fixture : IDisposable
{
    public IFeatureExtractor Extractor { get; } =
        VisionEngine.Create(new VisionOptions { Model = "resnet18", Backend = "onnxruntime", Threads = 2 });

    public void Dispose() => Extractor.Dispose();
}
