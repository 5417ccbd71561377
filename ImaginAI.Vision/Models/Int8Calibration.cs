using System.Numerics.Tensors;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ImaginAI.Vision.Backends;
using ImaginAI.Vision.Decoding;
using ImaginAI.Vision.Preprocessing;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace ImaginAI.Vision.Models;

/// <summary>
/// The activation ranges an int8 model is quantised with: the minimum and maximum of each quantised tensor over a set
/// of real photos, measured on the float model. Shipped as JSON beside the code (no weights: 40-odd number pairs), so
/// the int8 model is rebuilt from the package's float weights at load and every install gets the same vectors.
/// </summary>
public sealed class Int8CalibrationTable
{
    /// <summary>The float model the ranges were measured on.</summary>
    public required string Model { get; init; }

    /// <summary>SHA-256 of that model's weights file; a table measured on other weights is refused.</summary>
    public required string SourceSha256 { get; init; }

    /// <summary>How the ranges were taken ("min-max": the extremes over all photos).</summary>
    public required string Method { get; init; }

    /// <summary>The photos measured, by file name.</summary>
    public required IReadOnlyList<string> Photos { get; init; }

    /// <summary>Tensor name → [min, max].</summary>
    public required SortedDictionary<string, float[]> Ranges { get; init; }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public string ToJson() => JsonSerializer.Serialize(this, Json) + "\n";

    public static Int8CalibrationTable FromJson(string json) =>
        JsonSerializer.Deserialize<Int8CalibrationTable>(json, Json) ?? throw new InvalidDataException("The calibration file is empty.");

    /// <summary>First 8 hex digits of the SHA-256 of <see cref="ToJson"/>: part of the model id, so re-calibrating changes it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string ShortHash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ToJson())))[..8];

    internal IReadOnlyDictionary<string, (float Min, float Max)> RangeTuples() =>
        Ranges.ToDictionary(r => r.Key, r => (r.Value[0], r.Value[1]), StringComparer.Ordinal);
}

/// <summary>Measures <see cref="Int8CalibrationTable"/>s and loads the one shipped for ResNet18.</summary>
public static class Int8Calibration
{
    private const string ResNet18ResourceName = "ImaginAI.Vision.Models.resnet18-int8.calibration.json";

    private static readonly Lazy<Int8CalibrationTable> BuiltIn = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResNet18ResourceName)
                           ?? throw new ModelUnavailableException($"The int8 calibration {ResNet18ResourceName} is missing from the build.");
        using var reader = new StreamReader(stream);
        return Int8CalibrationTable.FromJson(reader.ReadToEnd());
    });

    /// <summary>The ranges shipped for resnet18-int8 (measured with the <c>calibrate-int8</c> verb, see docs/MODELS.md).</summary>
    public static Int8CalibrationTable ResNet18 => BuiltIn.Value;

    /// <summary>
    /// Runs the float model, with its BatchNormalizations folded as the int8 model will have them, over
    /// <paramref name="photos"/> and records the extremes of every tensor the quantiser quantises.
    /// </summary>
    /// <param name="floatModel">The float model (resnet18).</param>
    /// <param name="photos">File name and decoded photo, decoded as the extractor decodes (its <see cref="IFeatureExtractor.DecodeOptions"/>).</param>
    /// <param name="threads">Intra-op threads; 0 = one per core.</param>
    public static Int8CalibrationTable Measure(ModelDefinition floatModel, IEnumerable<(string Name, DecodedPhoto Photo)> photos, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(floatModel);
        ArgumentNullException.ThrowIfNull(photos);
        var folded = Int8Quantizer.FoldBatchNorm(OnnxGraph.Parse(File.ReadAllBytes(floatModel.ModelPath), floatModel.ModelPath));
        var tensors = Int8Quantizer.CalibrationTensors(folded);
        var inputName = tensors[0];
        var outputs = tensors.Skip(1).ToArray();
        folded.Graph.Output.Clear();
        foreach (var name in outputs)
            folded.Graph.Output.Add(new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });

        var profile = PreprocessProfiles.Get(floatModel.Profile);
        var ranges = tensors.ToDictionary(t => t, _ => new[] { float.MaxValue, float.MinValue }, StringComparer.Ordinal);
        var names = new List<string>();
        using var options = OnnxRuntimeBackend.CreateSessionOptions(threads);
        using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(folded), options);
        using var runOptions = new RunOptions();
        var input = new float[profile.TensorLength];
        foreach (var (name, photo) in photos)
        {
            profile.Fill(photo.Bitmap, input);
            Widen(ranges[inputName], input);
            using var tensor = OrtValue.CreateTensorValueFromMemory(input, [1, 3, profile.InputSize, profile.InputSize]);
            using var results = session.Run(runOptions, [inputName], [tensor], outputs);
            for (var i = 0; i < outputs.Length; i++) Widen(ranges[outputs[i]], results[i].GetTensorDataAsSpan<float>());
            names.Add(name);
        }
        if (names.Count == 0) throw new ArgumentException("There are no photos to calibrate on.", nameof(photos));
        return new Int8CalibrationTable
        {
            Model = floatModel.Name,
            SourceSha256 = WeightsHash.Sha256(floatModel.ModelPath),
            Method = "min-max",
            Photos = names,
            Ranges = new SortedDictionary<string, float[]>(ranges, StringComparer.Ordinal),
        };
    }

    private static void Widen(float[] range, ReadOnlySpan<float> values)
    {
        range[0] = MathF.Min(range[0], TensorPrimitives.Min(values));
        range[1] = MathF.Max(range[1], TensorPrimitives.Max(values));
    }
}
