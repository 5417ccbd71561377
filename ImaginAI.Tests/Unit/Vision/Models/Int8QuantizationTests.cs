using Google.Protobuf;
using ImaginAI.Tests.Support;
using ImaginAI.Vision;
using ImaginAI.Vision.Backends;
using ImaginAI.Vision.Decoding;
using ImaginAI.Vision.Models;
using ImaginAI.Vision.Preprocessing;
using ImaginAI.Vision.Vectors;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace ImaginAI.Tests.Unit.Vision.Models;

/// <summary>resnet18-int8, the default model: ResNet18 quantised at load from the package's weights and the shipped ranges.</summary>
public class Int8QuantizationTests(ResNet18Fixture float32, ResNet18Int8Fixture int8) : IClassFixture<ResNet18Fixture>, IClassFixture<ResNet18Int8Fixture>
{
    private static ModelProto ShippedResNet18() => ModelProto.Parser.ParseFrom(File.ReadAllBytes(ModelCatalog.ResNet18Path));

    [Fact]
    public void FoldBatchNorm_ResNet18_GivesTheSameActivationsWithoutBatchNormNodes()
    {
        var shipped = ShippedResNet18();
        var folded = Int8Quantizer.FoldBatchNorm(shipped);
        var input = Tensor(RealPhotos.Scenes[0]);

        var expected = Run(shipped.ToByteArray(), input);
        var actual = Run(folded.ToByteArray(), input);

        Assert.Contains(shipped.Graph.Node, n => n.OpType == "BatchNormalization");
        Assert.DoesNotContain(folded.Graph.Node, n => n.OpType == "BatchNormalization");
        var largest = expected.Max(MathF.Abs);
        var worst = expected.Zip(actual, (e, a) => MathF.Abs(e - a)).Max();
        Assert.True(worst < 1e-4f * largest, $"largest difference {worst} (activations up to {largest})");
    }

    [Fact]
    public void Quantize_ResNet18_OnnxRuntimeRunsEveryConvolutionAndAdditionInInt8()
    {
        var quantized = Int8Quantizer.Quantize(Int8Quantizer.FoldBatchNorm(ShippedResNet18()), Int8Calibration.ResNet18.RangeTuples());
        var optimizedPath = Path.Combine(Path.GetTempPath(), $"imaginai-int8-optimized-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = OnnxRuntimeBackend.CreateSessionOptions(1))
            {
                options.OptimizedModelFilePath = optimizedPath;
                using var session = new InferenceSession(quantized.ToByteArray(), options);
            }
            var ops = ModelProto.Parser.ParseFrom(File.ReadAllBytes(optimizedPath)).Graph.Node.GroupBy(n => n.OpType).ToDictionary(g => g.Key, g => g.Count());

            // The speed comes from these fused kernels: a Conv or Add left in float would mean the QDQ pattern was not recognised.
            Assert.Equal(22, ops.GetValueOrDefault("QLinearConv"));
            Assert.Equal(9, ops.GetValueOrDefault("QLinearAdd"));
            Assert.False(ops.ContainsKey("Conv"), "a convolution still runs in float: " + string.Join(", ", ops.Keys));
            Assert.False(ops.ContainsKey("FusedConv"), "a convolution still runs in float: " + string.Join(", ", ops.Keys));
        }
        finally
        {
            File.Delete(optimizedPath);
        }
    }

    [Fact]
    public void Extract_RealPhotos_Int8VectorsStayWithinCosine098OfFloat()
    {
        foreach (var file in RealPhotos.Scenes)
        {
            var bytes = File.ReadAllBytes(file);
            // Different model ids on purpose (never compared in the app), so the raw values are compared here.
            var cosine = System.Numerics.Tensors.TensorPrimitives.Dot<float>(float32.Extractor.Extract(bytes).Values, int8.Extractor.Extract(bytes).Values);
            Assert.True(cosine >= 0.98f, $"{Path.GetFileName(file)}: int8 vs float cosine {cosine}");
        }
    }

    [Fact]
    public void Extract_RealPhotos_Int8RanksOtherScenesLikeFloat()
    {
        var scenes = RealPhotos.Scenes;
        var floats = scenes.Select(f => float32.Extractor.Extract(File.ReadAllBytes(f))).ToList();
        var ints = scenes.Select(f => int8.Extractor.Extract(File.ReadAllBytes(f))).ToList();
        for (var i = 0; i < scenes.Count; i++)
        {
            int Closest(IReadOnlyList<FeatureVector> vectors, int self) =>
                Enumerable.Range(0, vectors.Count).Where(j => j != self).MaxBy(j => VectorMath.Cosine(vectors[self], vectors[j]));
            Assert.Equal(Path.GetFileName(scenes[Closest(floats, i)]), Path.GetFileName(scenes[Closest(ints, i)]));
        }
    }

    [Fact]
    public void Measure_TheTestPhotos_ReproducesTheShippedCalibration()
    {
        var shipped = Int8Calibration.ResNet18;
        var floatModel = ModelCatalog.Resolve(new VisionOptions { Model = ModelCatalog.ResNet18 });
        var decode = float32.Extractor.DecodeOptions;
        var photos = shipped.Photos.Select(name => (name, PhotoDecoder.Decode(RealPhotos.Read(name), decode))).ToList();
        try
        {
            var measured = Int8Calibration.Measure(floatModel, photos, threads: 2);

            Assert.Equal(shipped.SourceSha256, measured.SourceSha256);
            Assert.Equal(shipped.Ranges.Keys, measured.Ranges.Keys);
            Assert.Equal(32, measured.Ranges.Count);
            foreach (var (tensor, range) in shipped.Ranges)
            {
                var span = range[1] - range[0];
                Assert.True(Math.Abs(measured.Ranges[tensor][0] - range[0]) <= 1e-3 * span && Math.Abs(measured.Ranges[tensor][1] - range[1]) <= 1e-3 * span,
                    $"{tensor}: measured [{measured.Ranges[tensor][0]}, {measured.Ranges[tensor][1]}], shipped [{range[0]}, {range[1]}]");
            }
        }
        finally
        {
            photos.ForEach(p => p.Item2.Dispose());
        }
    }

    [Fact]
    public void Quantize_CalibrationOfAnotherModel_ThrowsSayingToRecalibrate()
    {
        var folded = Int8Quantizer.FoldBatchNorm(ShippedResNet18());
        var ranges = Int8Calibration.ResNet18.RangeTuples().Where(r => r.Key != "Input247").ToDictionary();

        var error = Assert.Throws<ModelUnavailableException>(() => Int8Quantizer.Quantize(folded, ranges));

        Assert.Contains("calibrate-int8", error.Message);
    }

    private static float[] Tensor(string file)
    {
        using var photo = PhotoDecoder.Decode(File.ReadAllBytes(file), new DecodeOptions { MinShortSide = 224 });
        var tensor = new float[PreprocessProfiles.ResNet18.TensorLength];
        PreprocessProfiles.ResNet18.Fill(photo.Bitmap, tensor);
        return tensor;
    }

    private static float[] Run(byte[] model, float[] input)
    {
        using var options = OnnxRuntimeBackend.CreateSessionOptions(2);
        using var session = new InferenceSession(model, options);
        using var tensor = OrtValue.CreateTensorValueFromMemory(input, [1, 3, 224, 224]);
        using var results = session.Run(new RunOptions(), [session.InputNames[0]], [tensor], [session.OutputNames[0]]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
