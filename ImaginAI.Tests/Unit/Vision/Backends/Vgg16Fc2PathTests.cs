using ImaginAI.Tests.Support;
using ImaginAI.Vision;
using ImaginAI.Vision.Backends;
using ImaginAI.Vision.Decoding;
using ImaginAI.Vision.Models;
using ImaginAI.Vision.Vectors;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace ImaginAI.Tests.Unit.Vision.Backends;

/// <summary>A narrow VGG16-topology model with random weights, written once for the class.</summary>
public sealed class NarrowVgg16Fixture : IDisposable
{
    public const int WidthDivisor = 16;
    public const string ModelName = "vgg16-narrow";

    public NarrowVgg16Fixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "imaginai-vgg16-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        ModelPath = Path.Combine(Directory, "vgg16-narrow.onnx");
        File.WriteAllBytes(ModelPath, Vgg16TopologyModel.Generate(WidthDivisor));
        Options = new VisionOptions
        {
            Model = ModelName,
            ModelDirectory = Directory,
            Threads = 2,
            Models = { [ModelName] = new CustomModelOptions { File = "vgg16-narrow.onnx", Profile = "vgg16", Layer = "keras", Dims = Fc2Width } },
        };
    }

    public static int Fc2Width => Vgg16TopologyModel.FullyConnectedWidth(WidthDivisor);
    public string Directory { get; }
    public string ModelPath { get; }
    public VisionOptions Options { get; }

    public IFeatureExtractor Create(string backend)
    {
        var options = new VisionOptions
        {
            Model = Options.Model, ModelDirectory = Options.ModelDirectory, Threads = Options.Threads, Models = Options.Models, Backend = backend,
        };
        return VisionEngine.Create(options);
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

public class Vgg16Fc2PathTests(NarrowVgg16Fixture model) : IClassFixture<NarrowVgg16Fixture>
{
    [Fact]
    public void Extract_BothBackends_ReturnFc2WithItsWidthAndTheSameValues()
    {
        using var onnxRuntime = model.Create(BackendNames.OnnxRuntime);
        using var openCv = model.Create(BackendNames.OpenCv);
        var photo = RealPhotos.Read(Path.GetFileName(RealPhotos.Scenes[1]));

        var a = onnxRuntime.Extract(photo);
        var b = openCv.Extract(photo);

        Assert.Equal("fc2", onnxRuntime.Model.Layer);
        Assert.Equal("fc2", openCv.Model.Layer);
        Assert.Equal(NarrowVgg16Fixture.Fc2Width, a.Dims);
        Assert.NotEqual(1000, a.Dims);
        Assert.Equal(a.ModelId, b.ModelId);
        Assert.StartsWith("vgg16-narrow/fc2/", a.ModelId);
        Assert.True(VectorMath.Cosine(a, b) >= 0.999f, $"cosine {VectorMath.Cosine(a, b)}");
        Assert.True(a.Values.Zip(b.Values, (x, y) => MathF.Abs(x - y)).Max() < 1e-3f);
    }

    [Theory]
    [InlineData(BackendNames.OnnxRuntime)]
    [InlineData(BackendNames.OpenCv)]
    public void Forward_Fc2Activation_IsWhatTheModelsClassifierTurnsIntoItsSoftmax(string backendName)
    {
        var definition = ModelCatalog.Resolve(model.Options);
        using var backend = VisionEngine.CreateBackend(definition, backendName, 2);
        var input = new float[3 * 224 * 224];
        var random = new Random(5);
        for (var i = 0; i < input.Length; i++) input[i] = random.NextSingle() * 255 - 128;

        var fc2 = backend.Forward(input, 1, 224);

        // The untouched model's own output, from a plain ONNX Runtime session.
        using var session = new InferenceSession(model.ModelPath);
        using var tensor = OrtValue.CreateTensorValueFromMemory(input, [1, 3, 224, 224]);
        using var outputs = session.Run(new RunOptions(), [Vgg16TopologyModel.InputName], [tensor], ["predictions"]);
        var softmax = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        Assert.Equal(NarrowVgg16Fixture.Fc2Width, fc2.Length);
        Assert.All(fc2, v => Assert.True(v >= 0, "fc2 is read after its ReLU"));
        Assert.Contains(fc2, v => v > 0);
        var recomputed = Softmax(Classifier(fc2));
        Assert.True(recomputed.Zip(softmax, (x, y) => MathF.Abs(x - y)).Max() < 1e-4f);
    }

    [Theory]
    [InlineData(BackendNames.OnnxRuntime)]
    [InlineData(BackendNames.OpenCv)]
    public void ExtractBatch_ThreePhotos_EqualsOneAtATime(string backendName)
    {
        using var extractor = model.Create(backendName);
        var photos = RealPhotos.Scenes.Take(3)
            .Select(f => PhotoDecoder.Decode(File.ReadAllBytes(f), new DecodeOptions { MinShortSide = 224 })).ToList();
        try
        {
            var batch = extractor.ExtractBatch(photos);
            for (var i = 0; i < photos.Count; i++)
                Assert.True(VectorMath.Cosine(batch[i], extractor.Extract(photos[i])) > 0.9999f);
        }
        finally
        {
            photos.ForEach(p => p.Dispose());
        }
    }

    [Theory]
    [InlineData(BackendNames.OnnxRuntime)]
    [InlineData(BackendNames.OpenCv)]
    public void Create_LayerNotInModel_ThrowsListingTheLastLayers(string backendName)
    {
        var options = new VisionOptions
        {
            Model = "wrong-layer", ModelDirectory = model.Directory, Backend = backendName,
            Models = { ["wrong-layer"] = new CustomModelOptions { File = "vgg16-narrow.onnx", Profile = "vgg16", Layer = "fc7" } },
        };

        var error = Assert.Throws<ModelUnavailableException>(() => VisionEngine.Create(options));

        Assert.Contains("no layer named 'fc7'", error.Message);
        Assert.Contains("fc2", error.Message);
    }

    [Theory]
    [InlineData(BackendNames.OnnxRuntime)]
    [InlineData(BackendNames.OpenCv)]
    public void Create_FileIsNotAnOnnxModel_ThrowsModelUnavailable(string backendName)
    {
        File.WriteAllText(Path.Combine(model.Directory, "broken.onnx"), "<html>404 Not Found</html>");
        var options = new VisionOptions
        {
            Model = "broken", ModelDirectory = model.Directory, Backend = backendName,
            Models = { ["broken"] = new CustomModelOptions { File = "broken.onnx", Profile = "vgg16", Layer = "fc2" } },
        };

        var error = Assert.Throws<ModelUnavailableException>(() => VisionEngine.Create(options));

        Assert.Contains("is not an ONNX model", error.Message);
    }

    private float[] Classifier(float[] fc2)
    {
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(model.ModelPath)).Graph;
        float[] Floats(string name) => System.Runtime.InteropServices.MemoryMarshal
            .Cast<byte, float>(graph.Initializer.Single(t => t.Name == name).RawData.Span).ToArray();
        var kernel = Floats("predictions/kernel");
        var bias = Floats("predictions/bias");
        var logits = new float[bias.Length];
        for (var o = 0; o < logits.Length; o++)
        {
            double sum = bias[o];
            for (var i = 0; i < fc2.Length; i++) sum += kernel[o * fc2.Length + i] * fc2[i];
            logits[o] = (float)sum;
        }
        return logits;
    }

    private static float[] Softmax(float[] logits)
    {
        var max = logits.Max();
        var exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        var sum = exp.Sum();
        return exp.Select(e => (float)(e / sum)).ToArray();
    }
}
