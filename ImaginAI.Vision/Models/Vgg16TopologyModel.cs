using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace ImaginAI.Vision.Models;

/// <summary>
/// Generates ONNX models with VGG16's topology and Keras' layer names (block1_conv1 … block5_conv3, block*_pool,
/// flatten, fc1, fc2, predictions + softmax) and random weights. VGG16's real weights cannot be shipped, so tests
/// use narrow copies to prove the fc2 path and the benchmark uses a full-size one (the weights do not change the speed).
/// </summary>
/// <remarks>Like the ONNX Model Zoo export the batch is fixed at 1 in the file; loading makes it symbolic.</remarks>
public static class Vgg16TopologyModel
{
    private static readonly (int Channels, int Convs)[] Blocks = [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)];

    /// <summary>The image input's name.</summary>
    public const string InputName = "input_1";

    /// <summary>Width of fc1 and fc2 for a given narrowing.</summary>
    public static int FullyConnectedWidth(int widthDivisor) => Math.Max(1, 4096 / widthDivisor);

    /// <summary>Multiply-adds of one forward pass up to fc2, × 2 = FLOPs (full size: 30.9 GFLOP).</summary>
    public static double Fc2Flops(int widthDivisor = 1, int inputSize = 224)
    {
        double flops = 0;
        int channels = 3, size = inputSize;
        foreach (var (width, convs) in Blocks)
        {
            var outChannels = Math.Max(1, width / widthDivisor);
            for (var i = 0; i < convs; i++)
            {
                flops += 2.0 * size * size * outChannels * channels * 9;
                channels = outChannels;
            }
            size /= 2;
        }
        var fc = FullyConnectedWidth(widthDivisor);
        return flops + 2.0 * channels * size * size * fc + 2.0 * fc * fc;
    }

    /// <summary>
    /// Builds the model. <paramref name="widthDivisor"/> divides every width (1 = real VGG16, 138 M parameters);
    /// <paramref name="fullyConnectedWidth"/> overrides the width of fc1 and fc2 (e.g. 4096 on narrow convolutions).
    /// Weights are He-uniform from <paramref name="seed"/>, so the same arguments give the same file.
    /// </summary>
    public static byte[] Generate(int widthDivisor = 1, int seed = 16, int inputSize = 224, int? fullyConnectedWidth = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(widthDivisor, 1);
        if (inputSize % 32 != 0) throw new ArgumentException("The input size must be a multiple of 32 (five 2× poolings).", nameof(inputSize));
        var random = new Random(seed);
        var graph = new GraphProto { Name = "vgg16" };
        graph.Input.Add(FloatValue(InputName, 1, 3, inputSize, inputSize));

        string x = InputName;
        int channels = 3, size = inputSize;
        for (var b = 0; b < Blocks.Length; b++)
        {
            var outChannels = Math.Max(1, Blocks[b].Channels / widthDivisor);
            for (var c = 1; c <= Blocks[b].Convs; c++)
            {
                var name = $"block{b + 1}_conv{c}";
                graph.Initializer.Add(Weights(name + "/kernel", [outChannels, channels, 3, 3], channels * 9, random));
                graph.Initializer.Add(Bias(name + "/bias", outChannels));
                graph.Node.Add(Node("Conv", name + "/Conv", [x, name + "/kernel", name + "/bias"], name + "/BiasAdd",
                    Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), Ints("strides", 1, 1)));
                graph.Node.Add(Node("Relu", name, [name + "/BiasAdd"], name));
                x = name;
                channels = outChannels;
            }
            var pool = $"block{b + 1}_pool";
            graph.Node.Add(Node("MaxPool", pool, [x], pool, Ints("kernel_shape", 2, 2), Ints("strides", 2, 2)));
            x = pool;
            size /= 2;
        }
        graph.Node.Add(Node("Flatten", "flatten", [x], "flatten", Int("axis", 1)));
        x = "flatten";
        var fcIn = channels * size * size;
        var fcWidth = fullyConnectedWidth ?? FullyConnectedWidth(widthDivisor);
        foreach (var (name, width, relu) in new[] { ("fc1", fcWidth, true), ("fc2", fcWidth, true), ("predictions", 1000, false) })
        {
            graph.Initializer.Add(Weights(name + "/kernel", [width, fcIn], fcIn, random));
            graph.Initializer.Add(Bias(name + "/bias", width));
            var dense = relu ? name + "/BiasAdd" : name + "/logits";
            graph.Node.Add(Node("Gemm", name + "/MatMul", [x, name + "/kernel", name + "/bias"], dense, Int("transB", 1)));
            graph.Node.Add(relu
                ? Node("Relu", name, [dense], name)
                : Node("Softmax", name, [dense], name, Int("axis", 1)));
            x = name;
            fcIn = width;
        }
        graph.Output.Add(FloatValue("predictions", 1, 1000));

        var model = new ModelProto { IrVersion = 7, ProducerName = "ImaginAI.Vision", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model.ToByteArray();
    }

    private static NodeProto Node(string op, string name, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static ValueInfoProto FloatValue(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private static TensorProto Weights(string name, long[] dims, int fanIn, Random random)
    {
        var count = dims.Aggregate(1L, (a, d) => a * d);
        var bytes = new byte[count * sizeof(float)];
        var values = MemoryMarshal.Cast<byte, float>(bytes.AsSpan());
        // He-uniform keeps activations in a sensible range through the ReLUs, so fc2 is not all zeros.
        var limit = MathF.Sqrt(6f / fanIn);
        for (var i = 0; i < values.Length; i++) values[i] = (random.NextSingle() * 2 - 1) * limit;
        return Tensor(name, dims, bytes);
    }

    private static TensorProto Bias(string name, int count)
    {
        var bytes = new byte[count * sizeof(float)];
        MemoryMarshal.Cast<byte, float>(bytes.AsSpan()).Fill(0.01f);
        return Tensor(name, [count], bytes);
    }

    private static TensorProto Tensor(string name, long[] dims, byte[] littleEndianFloats)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.RawData = UnsafeByteOperations.UnsafeWrap(littleEndianFloats);
        return tensor;
    }
}
