#:project ../ImaginAI.Tests/ImaginAI.Tests.csproj
#:property TreatWarningsAsErrors=false
// Measures where the default matching threshold (Matching:DefaultThreshold) should sit: the cosine similarity of
// real photos to their realistic variants (same scene) versus to other scenes, with the built-in model.
// Usage: IMAGINAI_PHOTOS=/path/to/photos dotnet run scripts/measure-threshold.cs     (see docs/BENCHMARKS.md)
using System.Globalization;
using ImaginAI.Tests.Integration;
using ImaginAI.Vision;
using ImaginAI.Vision.Vectors;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
// The photos scripts/fetch-photos.sh fetches (the test suite's RealPhotos), from IMAGINAI_PHOTOS or .cache/photos.
var photoDirectory = Environment.GetEnvironmentVariable("IMAGINAI_PHOTOS") ?? Path.Combine(".cache", "photos");
if (!File.Exists(Path.Combine(photoDirectory, ".complete")))
{
    Console.Error.WriteLine($"No photos in {photoDirectory}: run scripts/fetch-photos.sh {photoDirectory} first.");
    return 1;
}
var scenes = Directory.GetFiles(photoDirectory, "*.jpg").Where(f => !Path.GetFileName(f).StartsWith("Elephants")).Order().ToList();
using var extractor = VisionEngine.Create(new VisionOptions());
Console.WriteLine($"model {extractor.Model.Id} ({extractor.Model.Dims}-d, {extractor.Model.Backend}); photos in {photoDirectory}");

var variants = new (string Name, Func<byte[], byte[]> Make)[]
{
    ("crop 80% centre", p => PhotoVariants.Crop(p, 0.8f)),
    ("crop 70% corner", p => PhotoVariants.Crop(p, 0.7f, 0f, 0f)),
    ("resize 50%", p => PhotoVariants.Resize(p, 0.5f)),
    ("resize 20%", p => PhotoVariants.Resize(p, 0.2f)),
    ("re-encode q40", p => PhotoVariants.ReEncode(p, 40)),
    ("exposure +30%", p => PhotoVariants.Exposure(p, 1.3f)),
    ("exposure -30%", p => PhotoVariants.Exposure(p, 0.7f)),
    ("second visit (crop+resize+exposure+q75)", PhotoVariants.SecondVisit),
};

var originals = new List<FeatureVector>();
var variantVectors = new List<FeatureVector[]>();
foreach (var scene in scenes)
{
    var bytes = File.ReadAllBytes(scene);
    originals.Add(extractor.Extract(bytes));
    variantVectors.Add(variants.Select(v => extractor.Extract(v.Make(bytes))).ToArray());
}

var same = new List<float>();
var byVariant = variants.Select(_ => new List<float>()).ToArray();
var different = new List<float>();
var closestOthers = new List<(float Score, string Pair)>();
for (var i = 0; i < scenes.Count; i++)
{
    for (var v = 0; v < variants.Length; v++)
    {
        var score = VectorMath.Cosine(originals[i], variantVectors[i][v]);
        same.Add(score);
        byVariant[v].Add(score);
    }
    for (var j = 0; j < scenes.Count; j++)
    {
        if (i == j) continue;
        var pair = $"{Path.GetFileNameWithoutExtension(scenes[i])} vs {Path.GetFileNameWithoutExtension(scenes[j])}";
        different.Add(VectorMath.Cosine(originals[i], originals[j]));
        closestOthers.Add((different[^1], pair));
        for (var v = 0; v < variants.Length; v++)
        {
            different.Add(VectorMath.Cosine(originals[i], variantVectors[j][v]));
            closestOthers.Add((different[^1], $"{pair} ({variants[v].Name})"));
        }
    }
}

static string Stats(List<float> s)
{
    var sorted = s.Order().ToList();
    float At(double q) => sorted[(int)Math.Round(q * (sorted.Count - 1))];
    return $"n={sorted.Count,4}  min={sorted[0]:0.000}  p5={At(0.05):0.000}  median={At(0.5):0.000}  p95={At(0.95):0.000}  max={sorted[^1]:0.000}";
}

Console.WriteLine($"\n{scenes.Count} scenes, {variants.Length} variants each");
Console.WriteLine($"same scene (photo vs its variant):   {Stats(same)}");
Console.WriteLine($"other scenes (photo vs other photo): {Stats(different)}");
for (var v = 0; v < variants.Length; v++) Console.WriteLine($"  {variants[v].Name,-42} min={byVariant[v].Min():0.000}  mean={byVariant[v].Average():0.000}");
Console.WriteLine("closest other-scene pairs:");
foreach (var (score, pair) in closestOthers.OrderByDescending(c => c.Score).Take(5)) Console.WriteLine($"  {score:0.000}  {pair}");
var lowestSame = same.Min();
var highestDifferent = different.Max();
Console.WriteLine($"\ngap: highest other-scene {highestDifferent:0.000} < lowest same-scene {lowestSame:0.000}: {(highestDifferent < lowestSame ? "separable" : "OVERLAP")}");
Console.WriteLine($"midpoint threshold: {(highestDifferent + lowestSame) / 2:0.000}");
foreach (var t in new[] { 0.5f, 0.55f, 0.6f, 0.65f, 0.7f, 0.75f, 0.8f, 0.85f })
    Console.WriteLine($"  threshold {t:0.00}: misses {same.Count(s => s < t),3}/{same.Count} same-scene, accepts {different.Count(d => d >= t),3}/{different.Count} other-scene");
return 0;
