using Google.Protobuf;
using Onnx;

namespace ImaginAI.Vision.Backends;

/// <summary>Edits of an ONNX graph made at load time, on the protobuf classes of OnnxSharp.</summary>
internal static class OnnxGraph
{
    /// <summary>Parses an ONNX file's bytes; anything that is not a model with a graph is refused with a plain message.</summary>
    public static ModelProto Parse(byte[] bytes, string modelPath)
    {
        ModelProto? model = null;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
        }
        if (model?.Graph is not { Node.Count: > 0 })
            throw new ModelUnavailableException($"{modelPath} is not an ONNX model (or it is damaged): download it again or fix the configured file.");
        return model;
    }

    /// <summary>The name of the image input: the first graph input that is not an initializer (IR 3 lists weights as inputs).</summary>
    public static ValueInfoProto ImageInput(GraphProto graph)
    {
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        return graph.Input.FirstOrDefault(i => !initializers.Contains(i.Name))
               ?? throw new ModelUnavailableException("The model has no image input.");
    }

    /// <summary>
    /// Finds the first of <paramref name="candidates"/> that names a tensor of the graph (a node output, or a node
    /// whose first output is then used). Throws with the names that do exist when none does.
    /// </summary>
    public static string ResolveLayer(GraphProto graph, IReadOnlyList<string> candidates, string modelPath)
    {
        var outputs = graph.Node.SelectMany(n => n.Output).ToHashSet(StringComparer.Ordinal);
        foreach (var candidate in candidates)
        {
            if (outputs.Contains(candidate)) return candidate;
            var node = graph.Node.FirstOrDefault(n => n.Name == candidate && n.Output.Count > 0);
            if (node is not null) return node.Output[0];
        }
        throw new ModelUnavailableException(LayerNotFoundMessage(candidates, modelPath, graph.Node.Select(n => n.Output.FirstOrDefault() ?? n.Name)));
    }

    public static string LayerNotFoundMessage(IReadOnlyList<string> candidates, string modelPath, IEnumerable<string> layerNames)
    {
        var tail = layerNames.Where(n => !string.IsNullOrEmpty(n)).TakeLast(12);
        return $"The model {Path.GetFileName(modelPath)} has no layer named {string.Join(" or ", candidates.Select(c => $"'{c}'"))}. " +
               $"Its last layers are: {string.Join(", ", tail)}. Set the layer to read in configuration (see docs/MODELS.md).";
    }

    /// <summary>
    /// Makes <paramref name="tensor"/> the only graph output (ONNX Runtime then skips the nodes after it, e.g. the
    /// classifier and softmax behind fc2) and, when asked, makes the batch dimension symbolic so several photos go
    /// through one run.
    /// </summary>
    public static byte[] ExposeLayer(ModelProto model, string tensor, bool symbolicBatch)
    {
        var graph = model.Graph;
        graph.Output.Clear();
        graph.Output.Add(new ValueInfoProto
        {
            Name = tensor,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
        });
        if (!symbolicBatch) return model.ToByteArray();
        var input = ImageInput(graph);
        var dims = input.Type?.TensorType?.Shape?.Dim;
        if (dims is { Count: > 0 }) dims[0] = new TensorShapeProto.Types.Dimension { DimParam = "batch" };
        // Intermediate shapes recorded by the exporter pin the batch to 1; ONNX Runtime re-infers them.
        graph.ValueInfo.Clear();
        return model.ToByteArray();
    }
}
