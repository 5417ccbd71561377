using ImaginAI.Tests.Support;
using ImaginAI.Vision;
using ImaginAI.Vision.Vectors;

namespace ImaginAI.Tests.Unit.Vision.Backends;

public sealed class OpenCvResNet18Fixture : IDisposable
{
    public IFeatureExtractor Extractor { get; } =
        VisionEngine.Create(new VisionOptions { Model = "resnet18", Backend = "opencv", Threads = 2 });

    public void Dispose() => Extractor.Dispose();
}

public class OpenCvVsOnnxRuntimeTests(ResNet18Fixture onnxRuntime, OpenCvResNet18Fixture openCv)
    : IClassFixture<ResNet18Fixture>, IClassFixture<OpenCvResNet18Fixture>
{
    [Fact]
    public void Extract_ResNet18OnRealPhotos_BothBackendsGiveTheSameVector()
    {
        Assert.Equal("onnxruntime", onnxRuntime.Extractor.Model.Backend);
        Assert.Equal("opencv", openCv.Extractor.Model.Backend);
        Assert.Equal(onnxRuntime.Extractor.Model.Id, openCv.Extractor.Model.Id);

        foreach (var file in RealPhotos.Scenes.Take(4))
        {
            var bytes = File.ReadAllBytes(file);
            var cosine = VectorMath.Cosine(onnxRuntime.Extractor.Extract(bytes), openCv.Extractor.Extract(bytes));
            Assert.True(cosine >= 0.999f, $"{Path.GetFileName(file)}: cosine {cosine}");
        }
    }
}
