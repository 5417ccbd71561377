using ImaginAI.Vision;
using ImaginAI.Vision.Decoding;
using ImaginAI.Vision.Models;

namespace ImaginAI.Tracker.Cli;

/// <summary>
/// <c>calibrate-int8 [--out FILE] PHOTO|FOLDER...</c>: measures the activation ranges resnet18-int8 is quantised with,
/// on the float ResNet18, and writes them as JSON (the shipped table is ImaginAI.Vision/Models/resnet18-int8.calibration.json).
/// </summary>
internal static class CalibrateInt8Verb
{
    public static int Run(string[] args, VisionOptions options)
    {
        var (flags, operands) = CliVerbs.Parse(args);
        var files = operands.SelectMany(o => Directory.Exists(o)
            ? Directory.EnumerateFiles(o).Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            : [o]).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            Console.Error.WriteLine("usage: calibrate-int8 [--out FILE] PHOTO|FOLDER...   (e.g. calibrate-int8 --out ImaginAI.Vision/Models/resnet18-int8.calibration.json .cache/photos)");
            return 2;
        }
        ModelDefinition floatModel;
        try
        {
            floatModel = ModelCatalog.Resolve(new VisionOptions { Model = ModelCatalog.ResNet18, ModelDirectory = options.ModelDirectory });
        }
        catch (ModelUnavailableException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }

        var decode = new DecodeOptions { MaxPixels = options.MaxPixels, MinShortSide = ImaginAI.Vision.Preprocessing.PreprocessProfiles.Get(floatModel.Profile).InputSize };
        var done = 0;
        IEnumerable<(string, DecodedPhoto)> Photos()
        {
            foreach (var file in files)
            {
                Console.Error.WriteLine($"[{++done}/{files.Count}] {Path.GetFileName(file)}");
                using var photo = PhotoDecoder.Decode(File.ReadAllBytes(file), decode);
                yield return (Path.GetFileName(file), photo);
            }
        }

        Int8CalibrationTable table;
        try
        {
            table = Int8Calibration.Measure(floatModel, Photos(), options.Threads);
        }
        catch (Exception e) when (e is PhotoDecodeException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Cannot calibrate on {files[Math.Max(0, done - 1)]}: {e.Message}");
            return 1;
        }
        if (flags.TryGetValue("--out", out var outFile))
        {
            File.WriteAllText(outFile, table.ToJson());
            Console.Error.WriteLine($"{table.Ranges.Count} ranges from {table.Photos.Count} photos written to {outFile}");
        }
        else
        {
            Console.Write(table.ToJson());
        }
        return 0;
    }
}
