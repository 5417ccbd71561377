using ImaginAI.Vision.Backends;
using ImaginAI.Vision.Models;
using ImaginAI.Vision.Preprocessing;

namespace ImaginAI.Vision;

/// <summary>Entry point: builds the configured feature extractor.</summary>
public static class VisionEngine
{
    /// <summary>
    /// Loads the configured model on the configured backend. Throws <see cref="ModelUnavailableException"/> with
    /// a plain explanation when a model file is missing or a backend's native library cannot load.
    /// </summary>
    public static IFeatureExtractor Create(VisionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var definition = ModelCatalog.Resolve(options);
        var backend = CreateBackend(definition, options.Backend, options.Threads);
        try
        {
            var profile = PreprocessProfiles.Get(definition.ProfileByLayer.GetValueOrDefault(backend.Layer, definition.Profile));
            return new FeatureExtractor(definition, profile, backend, options);
        }
        catch
        {
            backend.Dispose();
            throw;
        }
    }

    /// <summary>Loads <paramref name="definition"/> on the named backend ("onnxruntime", "opencv" or "auto").</summary>
    public static IInferenceBackend CreateBackend(ModelDefinition definition, string? backendName, int threads)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var name = string.IsNullOrWhiteSpace(backendName) ? BackendNames.Auto : backendName.Trim().ToLowerInvariant();
        if (name == BackendNames.Auto) name = BackendNames.ResolveAuto(definition.Format);
        switch (name)
        {
            case BackendNames.OnnxRuntime when definition.Format == ModelFormat.Caffe:
                throw new ModelUnavailableException(
                    $"Model '{definition.Name}' is a Caffe model, which only the opencv backend reads: set Vision:Backend to opencv, or use an ONNX file.");
            case BackendNames.OnnxRuntime:
                return new OnnxRuntimeBackend(definition.ModelPath, definition.LayerCandidates, threads, int8Calibration: definition.Int8Calibration);
            case BackendNames.OpenCv when definition.Int8Calibration is not null:
                throw new ModelUnavailableException(
                    $"Model '{definition.Name}' runs on the onnxruntime backend only: OpenCV's DNN module cannot read its per-channel int8 layers. " +
                    "Set Vision:Backend to onnxruntime (or auto), or set Vision:Model to resnet18 to run the float ResNet18 on OpenCV.");
            case BackendNames.OpenCv:
                return new OpenCvBackend(definition.Format, definition.ModelPath, definition.ConfigPath, definition.LayerCandidates, threads);
            default:
                throw new ModelUnavailableException($"Unknown backend '{backendName}': use onnxruntime, opencv or auto.");
        }
    }
}

/// <summary>A model or backend cannot be used here; the message says what to install or download, and where.</summary>
public sealed class ModelUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
