namespace ImaginAI.Vision;

/// <summary>Entry point: builds the configured feature extractor. CONTRACT STUB.</summary>
public static class VisionEngine
{
    /// <summary>
    /// Loads the configured model on the configured backend. Throws <see cref="ModelUnavailableException"/> with
    /// a plain explanation when a model file is missing or a backend's native library cannot load.
    /// </summary>
    public static IFeatureExtractor Create(VisionOptions options) => throw new NotImplementedException();
}

/// <summary>A model or backend cannot be used here; the message says what to install or download, and where.</summary>
public sealed class ModelUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
