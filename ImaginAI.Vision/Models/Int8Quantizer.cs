using Google.Protobuf;
using ImaginAI.Vision.Backends;
using Onnx;

namespace ImaginAI.Vision.Models;

/// <summary>
/// Static int8 quantisation of a Conv/BatchNormalization/Relu/Add/MaxPool/AveragePool network (ResNet18) into the QDQ
/// form (QuantizeLinear/DequantizeLinear pairs around float ops) that ONNX Runtime fuses into QLinearConv and
/// QLinearAdd kernels: half the CPU time of the float forward on AVX2. Activations are uint8 with ranges measured by
/// <see cref="Int8Calibration"/>; weights are int8 per output channel; biases int32.
/// </summary>
internal static class Int8Quantizer
{
    /// <summary>7-bit weights: without VNNI, AVX2's u8×s8 multiply-add (vpmaddubsw) saturates with full 8-bit weights.</summary>
    public const int WeightQMax = 63;

    public static float[] Floats(TensorProto t)
    {
        if (t.FloatData.Count > 0) return [.. t.FloatData];
        var bytes = t.RawData.Span;
        var result = new float[bytes.Length / 4];
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).CopyTo(result);
        return result;
    }

    private static TensorProto FloatTensor(string name, float[] values, params long[] dims) =>
        Tensor(name, TensorProto.Types.DataType.Float, values, dims);

    private static TensorProto Int8Tensor(string name, sbyte[] values, params long[] dims) =>
        Tensor(name, TensorProto.Types.DataType.Int8, values, dims);

    private static TensorProto UInt8Tensor(string name, byte value) => Tensor(name, TensorProto.Types.DataType.Uint8, [value]);

    private static TensorProto Int32Tensor(string name, int[] values, params long[] dims) =>
        Tensor(name, TensorProto.Types.DataType.Int32, values, dims);

    /// <summary>An initializer holding <paramref name="values"/> as little-endian raw data; no dims makes a scalar.</summary>
    private static TensorProto Tensor<T>(string name, TensorProto.Types.DataType type, T[] values, params long[] dims) where T : unmanaged
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return tensor;
    }

    /// <summary>Folds every BatchNormalization that follows a Conv into that Conv's weights and bias.</summary>
    public static ModelProto FoldBatchNorm(ModelProto source)
    {
        var model = source.Clone();
        var graph = model.Graph;
        var inits = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var producers = graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n, StringComparer.Ordinal);
        var consumers = Consumers(graph);
        foreach (var bn in graph.Node.Where(n => n.OpType == "BatchNormalization").ToList())
        {
            if (!producers.TryGetValue(bn.Input[0], out var conv) || conv.OpType != "Conv" || consumers[bn.Input[0]].Count != 1) continue;
            var w = Floats(inits[conv.Input[1]]);
            var wt = inits[conv.Input[1]];
            var cout = (int)wt.Dims[0];
            var per = w.Length / cout;
            var bias = conv.Input.Count > 2 ? Floats(inits[conv.Input[2]]) : new float[cout];
            var gamma = Floats(inits[bn.Input[1]]);
            var beta = Floats(inits[bn.Input[2]]);
            var mean = Floats(inits[bn.Input[3]]);
            var variance = Floats(inits[bn.Input[4]]);
            var eps = bn.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
            var newBias = new float[cout];
            for (var c = 0; c < cout; c++)
            {
                var k = gamma[c] / MathF.Sqrt(variance[c] + eps);
                for (var i = 0; i < per; i++) w[c * per + i] *= k;
                newBias[c] = (bias[c] - mean[c]) * k + beta[c];
            }
            var wName = conv.Input[1] + "_folded";
            var bName = conv.Input[1] + "_folded_bias";
            graph.Initializer.Add(FloatTensor(wName, w, [.. wt.Dims]));
            graph.Initializer.Add(FloatTensor(bName, newBias, cout));
            conv.Input[1] = wName;
            if (conv.Input.Count > 2) conv.Input[2] = bName; else conv.Input.Add(bName);
            conv.Output[0] = bn.Output[0];
            graph.Node.Remove(bn);
        }
        RemoveUnusedInitializers(graph);
        return model;
    }

    private static Dictionary<string, List<NodeProto>> Consumers(GraphProto graph)
    {
        var result = new Dictionary<string, List<NodeProto>>(StringComparer.Ordinal);
        foreach (var n in graph.Node)
        foreach (var i in n.Input)
        {
            if (!result.TryGetValue(i, out var list)) result[i] = list = [];
            list.Add(n);
        }
        foreach (var o in graph.Output)
            if (!result.ContainsKey(o.Name)) result[o.Name] = [];
        return result;
    }

    private static void RemoveUnusedInitializers(GraphProto graph)
    {
        var used = graph.Node.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        foreach (var t in graph.Initializer.Where(t => !used.Contains(t.Name)).ToList()) graph.Initializer.Remove(t);
        // IR 3 files list weights among the graph inputs too.
        foreach (var i in graph.Input.Where(i => !used.Contains(i.Name)).ToList()) graph.Input.Remove(i);
    }

    /// <summary>
    /// The tensors whose range calibration measures: the image input, and the output of every Conv and Add, taken
    /// after the Relu that follows it (the quantised graph folds that Relu into the uint8 range).
    /// </summary>
    public static IReadOnlyList<string> CalibrationTensors(ModelProto folded)
    {
        var graph = folded.Graph;
        var consumers = Consumers(graph);
        var names = new List<string> { OnnxGraph.ImageInput(graph).Name };
        foreach (var n in graph.Node.Where(n => n.OpType is "Conv" or "Add"))
            names.Add(OnlyRelu(consumers, n)?.Output[0] ?? n.Output[0]);
        return names;
    }

    /// <summary>The Relu that is the only reader of <paramref name="node"/>'s output: folded into its uint8 range.</summary>
    private static NodeProto? OnlyRelu(Dictionary<string, List<NodeProto>> consumers, NodeProto node) =>
        consumers.GetValueOrDefault(node.Output[0]) is [{ OpType: "Relu" } relu] ? relu : null;

    /// <summary>Quantises a BatchNorm-folded model with the measured ranges of <see cref="CalibrationTensors"/>.</summary>
    public static ModelProto Quantize(ModelProto folded, IReadOnlyDictionary<string, (float Min, float Max)> ranges)
    {
        var model = folded.Clone();
        var graph = model.Graph;
        var consumers = Consumers(graph);
        // Fold each Relu into the Conv or Add before it: a uint8 range starting at 0 clips like a Relu.
        foreach (var n in graph.Node.Where(n => n.OpType is "Conv" or "Add").ToList())
        {
            if (OnlyRelu(consumers, n) is { } relu)
            {
                n.Output[0] = relu.Output[0];
                graph.Node.Remove(relu);
            }
        }

        var inits = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var quant = new Dictionary<string, (float Scale, byte Zero)>(StringComparer.Ordinal);
        var dequantized = new Dictionary<string, string>(StringComparer.Ordinal);
        var nodes = new List<NodeProto>();
        var newInits = new List<TensorProto>();

        (float, byte) Params(string tensor)
        {
            if (!ranges.TryGetValue(tensor, out var range))
                throw new ModelUnavailableException(
                    $"The int8 calibration has no range for tensor '{tensor}': it was measured on another model. Re-run calibrate-int8 (docs/MODELS.md).");
            var (min, max) = range;
            min = MathF.Min(0, min);
            max = MathF.Max(0, max);
            var scale = (max - min) / 255f;
            if (scale <= 0) scale = 1f;
            var zero = (byte)Math.Clamp(MathF.Round(-min / scale), 0, 255);
            return (scale, zero);
        }

        void QuantizeTensor(string tensor, (float Scale, byte Zero) p)
        {
            quant[tensor] = p;
            var scaleName = tensor + "_scale";
            var zeroName = tensor + "_zero";
            newInits.Add(FloatTensor(scaleName, [p.Scale]));
            newInits.Add(UInt8Tensor(zeroName, p.Zero));
            var q = new NodeProto { OpType = "QuantizeLinear", Name = tensor + "_Q" };
            q.Input.AddRange([tensor, scaleName, zeroName]);
            q.Output.Add(tensor + "_q");
            var dq = new NodeProto { OpType = "DequantizeLinear", Name = tensor + "_DQ" };
            dq.Input.AddRange([tensor + "_q", scaleName, zeroName]);
            dq.Output.Add(tensor + "_dq");
            nodes.Add(q);
            nodes.Add(dq);
            dequantized[tensor] = tensor + "_dq";
        }

        string Dq(string tensor) => dequantized[tensor];

        QuantizeTensor(OnnxGraph.ImageInput(graph).Name, Params(OnnxGraph.ImageInput(graph).Name));
        foreach (var n in graph.Node)
        {
            switch (n.OpType)
            {
                case "Conv":
                {
                    var x = n.Input[0];
                    var xScale = quant[x].Scale;
                    var wt = inits[n.Input[1]];
                    var w = Floats(wt);
                    var cout = (int)wt.Dims[0];
                    var per = w.Length / cout;
                    var bias = n.Input.Count > 2 ? Floats(inits[n.Input[2]]) : new float[cout];
                    var wq = new sbyte[w.Length];
                    var wScale = new float[cout];
                    var bq = new int[cout];
                    var bScale = new float[cout];
                    for (var c = 0; c < cout; c++)
                    {
                        var maxAbs = 0f;
                        for (var i = 0; i < per; i++) maxAbs = MathF.Max(maxAbs, MathF.Abs(w[c * per + i]));
                        var s = maxAbs > 0 ? maxAbs / WeightQMax : 1f;
                        wScale[c] = s;
                        for (var i = 0; i < per; i++) wq[c * per + i] = (sbyte)Math.Clamp(MathF.Round(w[c * per + i] / s), -WeightQMax, WeightQMax);
                        bScale[c] = xScale * s;
                        bq[c] = (int)Math.Round(bias[c] / (double)bScale[c]);
                    }
                    var wName = n.Input[1] + "_int8";
                    newInits.Add(Int8Tensor(wName, wq, [.. wt.Dims]));
                    newInits.Add(FloatTensor(wName + "_scale", wScale, cout));
                    newInits.Add(Int8Tensor(wName + "_zero", new sbyte[cout], cout));
                    var bName = n.Name + "_bias_int32";
                    newInits.Add(Int32Tensor(bName, bq, cout));
                    newInits.Add(FloatTensor(bName + "_scale", bScale, cout));
                    newInits.Add(Int32Tensor(bName + "_zero", new int[cout], cout));
                    var wdq = new NodeProto { OpType = "DequantizeLinear", Name = wName + "_DQ" };
                    wdq.Input.AddRange([wName, wName + "_scale", wName + "_zero"]);
                    wdq.Output.Add(wName + "_dq");
                    // Axis 0 written as its negative form: OnnxSharp's proto3 classes drop an int attribute equal to 0,
                    // and readers stricter than ONNX Runtime then find an axis with no value.
                    wdq.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = -wt.Dims.Count });
                    var bdq = new NodeProto { OpType = "DequantizeLinear", Name = bName + "_DQ" };
                    bdq.Input.AddRange([bName, bName + "_scale", bName + "_zero"]);
                    bdq.Output.Add(bName + "_dq");
                    bdq.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = -1 });
                    nodes.Add(wdq);
                    nodes.Add(bdq);
                    var conv = n.Clone();
                    conv.Input.Clear();
                    conv.Input.AddRange([Dq(x), wName + "_dq", bName + "_dq"]);
                    nodes.Add(conv);
                    QuantizeTensor(n.Output[0], Params(n.Output[0]));
                    break;
                }
                case "Add":
                {
                    var add = n.Clone();
                    for (var i = 0; i < add.Input.Count; i++) add.Input[i] = Dq(add.Input[i]);
                    nodes.Add(add);
                    QuantizeTensor(n.Output[0], Params(n.Output[0]));
                    break;
                }
                case "MaxPool":
                {
                    var pool = n.Clone();
                    pool.Input[0] = Dq(n.Input[0]);
                    nodes.Add(pool);
                    QuantizeTensor(n.Output[0], quant[n.Input[0]]);
                    break;
                }
                default:
                {
                    var other = n.Clone();
                    for (var i = 0; i < other.Input.Count; i++)
                        if (dequantized.TryGetValue(other.Input[i], out var d)) other.Input[i] = d;
                    nodes.Add(other);
                    break;
                }
            }
        }
        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        graph.Initializer.AddRange(newInits);
        RemoveUnusedInitializers(graph);
        model.IrVersion = 7;
        model.OpsetImport.Clear();
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        graph.ValueInfo.Clear();
        return model;
    }
}
