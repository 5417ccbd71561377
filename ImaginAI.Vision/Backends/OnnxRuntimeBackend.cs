using ImaginAI.Vision.Models;
using Microsoft.ML.OnnxRuntime;

namespace ImaginAI.Vision.Backends;

/// <summary>ONNX Runtime on the CPU. <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/> is thread-safe, so no lock.</summary>
public sealed class OnnxRuntimeBackend : IInferenceBackend
{
    private readonly InferenceSession session;
    private readonly string inputName;
    private readonly string[] outputNames;
    private readonly RunOptions runOptions = new();
    private volatile bool batchesUnsupported;

    /// <param name="modelPath">The .onnx file.</param>
    /// <param name="layerCandidates">Tensor names to read, first one present wins.</param>
    /// <param name="threads">Intra-op threads; 0 = one per core.</param>
    /// <param name="symbolicBatch">False keeps the file's batch size and runs a batch as a loop of single images.</param>
    /// <param name="int8Calibration">When set, the model is quantised to int8 with these ranges before it loads.</param>
    public OnnxRuntimeBackend(string modelPath, IReadOnlyList<string> layerCandidates, int threads, bool symbolicBatch = true,
        Int8CalibrationTable? int8Calibration = null)
    {
        var model = OnnxGraph.Parse(File.ReadAllBytes(modelPath), modelPath);
        if (int8Calibration is not null) model = Int8Quantizer.Quantize(Int8Quantizer.FoldBatchNorm(model), int8Calibration.RangeTuples());
        Layer = OnnxGraph.ResolveLayer(model.Graph, layerCandidates, modelPath);
        inputName = OnnxGraph.ImageInput(model.Graph).Name;
        batchesUnsupported = !symbolicBatch;
        var bytes = OnnxGraph.ExposeLayer(model, Layer, symbolicBatch);

        using var options = CreateSessionOptions(threads);
        try
        {
            session = new InferenceSession(bytes, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelUnavailableException($"ONNX Runtime cannot load {Path.GetFileName(modelPath)}: {e.Message}", e);
        }
        outputNames = [Layer];
    }

    public string Name => BackendNames.OnnxRuntime;
    public string Layer { get; }

    /// <summary>Session options for a small shared server: no spinning threads, one inter-op thread.</summary>
    public static SessionOptions CreateSessionOptions(int threads)
    {
        var options = new SessionOptions
        {
            IntraOpNumThreads = threads > 0 ? threads : Environment.ProcessorCount,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        // Spinning workers would hold both cores at 100 % between photos and starve the web requests.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        return options;
    }

    public float[] Forward(float[] input, int batch, int size)
    {
        var imageLength = 3 * size * size;
        if (input.Length != batch * imageLength) throw new ArgumentException("Input length does not match the batch.", nameof(input));
        if (batch == 1 || batchesUnsupported) return batch == 1 ? Run(input, 1, size) : Loop(input, batch, size);
        try
        {
            return Run(input, batch, size);
        }
        catch (OnnxRuntimeException)
        {
            // Some exports hard-code batch 1 inside the graph (a Reshape to [1, -1]); those run one photo at a time.
            batchesUnsupported = true;
            return Loop(input, batch, size);
        }
    }

    private float[] Loop(float[] input, int batch, int size)
    {
        var imageLength = 3 * size * size;
        float[]? all = null;
        for (var i = 0; i < batch; i++)
        {
            var one = Run(input.AsSpan(i * imageLength, imageLength).ToArray(), 1, size);
            all ??= new float[one.Length * batch];
            one.CopyTo(all, i * one.Length);
        }
        return all!;
    }

    private float[] Run(float[] input, int batch, int size)
    {
        using var tensor = OrtValue.CreateTensorValueFromMemory(input, [batch, 3, size, size]);
        using var results = session.Run(runOptions, [inputName], [tensor], outputNames);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose()
    {
        session.Dispose();
        runOptions.Dispose();
    }
}
