using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using ImaginAI.Vision;
using ImaginAI.Vision.Decoding;

namespace ImaginAI.Tracker.Cli;

/// <summary><c>embed [--model M] [--backend B] [--threads N] FILE...</c>: one JSON line per file; exit 1 if any failed.</summary>
internal static class EmbedVerb
{
    // Relaxed escaping keeps quotes and + readable in a terminal; the output is never embedded in HTML.
    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static int Run(string[] args, VisionOptions options)
    {
        var (flags, files) = CliVerbs.Parse(args);
        if (files.Count == 0)
        {
            Console.Error.WriteLine("usage: embed [--model resnet18-int8|resnet18|vgg16-fc2|NAME] [--backend auto|onnxruntime|opencv] [--threads N] FILE...");
            return 2;
        }
        if (flags.TryGetValue("--model", out var model)) options.Model = model;
        if (flags.TryGetValue("--backend", out var backend)) options.Backend = backend;
        if (flags.TryGetValue("--threads", out var threads))
        {
            if (!int.TryParse(threads, System.Globalization.CultureInfo.InvariantCulture, out var count) || count < 0)
            {
                Console.Error.WriteLine($"--threads wants a whole number of threads (0 = one per core), not '{threads}'.");
                return 2;
            }
            options.Threads = count;
        }

        IFeatureExtractor extractor;
        try
        {
            extractor = VisionEngine.Create(options);
        }
        catch (ModelUnavailableException e)
        {
            foreach (var file in files) Print(new EmbedLine(file, Error: e.Message, Reason: "ModelUnavailable"));
            return 1;
        }

        var failed = 0;
        using (extractor)
        {
            foreach (var file in files)
            {
                var line = Embed(extractor, file);
                if (line.Error is not null) failed++;
                Print(line);
            }
        }
        return failed > 0 ? 1 : 0;
    }

    private static EmbedLine Embed(IFeatureExtractor extractor, string file)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new EmbedLine(file, Error: $"Cannot read the file: {e.Message}", Reason: e is FileNotFoundException or DirectoryNotFoundException ? "NotFound" : "Unreadable");
        }
        try
        {
            var clock = Stopwatch.StartNew();
            var vector = extractor.Extract(bytes);
            var ms = Math.Round(clock.Elapsed.TotalMilliseconds, 1);
            var norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares<float>(vector.Values));
            return new EmbedLine(file, vector.ModelId, vector.Dims, ms, Math.Round(norm, 4));
        }
        catch (PhotoDecodeException e)
        {
            return new EmbedLine(file, Error: e.Message, Reason: e.Reason.ToString());
        }
    }

    private static void Print(EmbedLine line) => Console.WriteLine(JsonSerializer.Serialize(line, Json));

    private sealed record EmbedLine(
        [property: JsonPropertyName("file")] string File,
        [property: JsonPropertyName("model")] string? Model = null,
        [property: JsonPropertyName("dims")] int? Dims = null,
        [property: JsonPropertyName("ms")] double? Ms = null,
        [property: JsonPropertyName("norm")] double? Norm = null,
        [property: JsonPropertyName("error")] string? Error = null,
        [property: JsonPropertyName("reason")] string? Reason = null);
}
