using System.Text.RegularExpressions;

namespace ImaginAI.Tracker.Evaluation;

/// <summary>A labelled photo of an evaluation set.</summary>
public sealed record EvalImage(string Path, string Scene, string? Transform = null);

/// <summary>Gallery photos are the milestones' reference photos; queries are new photos to decide.</summary>
public sealed record EvalSet(string Layout, IReadOnlyList<EvalImage> Gallery, IReadOnlyList<EvalImage> Queries)
{
    public IReadOnlySet<string> GalleryScenes { get; } = Gallery.Select(g => g.Scene).ToHashSet();
}

/// <summary>
/// Reads a labelled folder in one of three layouts, tried in this order:
/// 1. split Holidays (what scripts/make-eval-set.sh writes): gallery/NNNNXX.jpg and queries/NNNNXX.jpg; the scene is
///    NNNN (the name without its last two digits); manifest.tsv, when present, names each query's transform.
/// 2. INRIA Holidays: NNNNXX.jpg in one folder; XX == 00 is the scene's query, every other photo is in the gallery.
/// 3. one folder per scene: in each, the first photo by name is the query and the others are the gallery.
/// In every layout a scene with no gallery photo is open-set: its queries must end unmatched.
/// </summary>
public static partial class EvalSetReader
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".webp", ".bmp"];

    public static EvalSet Read(string directory)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"The evaluation folder {Path.GetFullPath(directory)} does not exist.");
        var gallery = Path.Combine(directory, "gallery");
        var queries = Path.Combine(directory, "queries");
        EvalSet set;
        if (Directory.Exists(gallery) && Directory.Exists(queries))
        {
            var transforms = ReadManifest(Path.Combine(directory, "manifest.tsv"));
            set = new EvalSet("split-holidays",
                HolidaysPhotos(gallery).Select(p => new EvalImage(p.Path, p.Scene)).ToList(),
                HolidaysPhotos(queries).Select(p => new EvalImage(p.Path, p.Scene,
                    transforms.GetValueOrDefault(Path.GetRelativePath(directory, p.Path).Replace('\\', '/')))).ToList());
        }
        else if (HolidaysPhotos(directory).ToList() is { Count: > 0 } flat)
        {
            set = new EvalSet("holidays",
                flat.Where(p => p.Index != "00").Select(p => new EvalImage(p.Path, p.Scene)).ToList(),
                flat.Where(p => p.Index == "00").Select(p => new EvalImage(p.Path, p.Scene)).ToList());
        }
        else
        {
            var galleryImages = new List<EvalImage>();
            var queryImages = new List<EvalImage>();
            foreach (var sceneDir in Directory.GetDirectories(directory).Order(StringComparer.Ordinal))
            {
                var scene = Path.GetFileName(sceneDir);
                var photos = Photos(sceneDir).ToList();
                if (photos.Count == 0) continue;
                queryImages.Add(new EvalImage(photos[0], scene));
                galleryImages.AddRange(photos.Skip(1).Select(p => new EvalImage(p, scene)));
            }
            set = new EvalSet("folder-per-scene", galleryImages, queryImages);
        }
        if (set.Queries.Count == 0)
            throw new InvalidDataException($"No query photos found in {directory}: expected gallery/ and queries/ folders, " +
                                           "NNNNXX.jpg files (XX = 00 is the query), or one folder per scene.");
        return set;
    }

    private static IEnumerable<string> Photos(string directory) =>
        Directory.GetFiles(directory).Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal);

    private static IEnumerable<(string Path, string Scene, string Index)> HolidaysPhotos(string directory) =>
        from path in Photos(directory)
        let match = HolidaysName().Match(Path.GetFileNameWithoutExtension(path))
        where match.Success
        select (path, match.Groups[1].Value, match.Groups[2].Value);

    private static Dictionary<string, string> ReadManifest(string path)
    {
        var transforms = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return transforms;
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var fields = line.Split('\t');
            if (fields.Length >= 4) transforms[fields[0]] = fields[3];
        }
        return transforms;
    }

    [GeneratedRegex(@"^(\d+)(\d\d)$")]
    private static partial Regex HolidaysName();
}
