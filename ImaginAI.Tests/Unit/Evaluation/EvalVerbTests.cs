using System.Text.Json;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Evaluation;
using ImaginAI.Vision;
using SkiaSharp;

namespace ImaginAI.Tests.Unit.Evaluation;

public sealed class EvalVerbTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("imaginai-eval-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task Eval_SmallSplitHolidaysSet_PrintsAndWritesTheHandComputedMetrics()
    {
        // Gallery: scene 0001 = Garden, scene 0002 = Wood. Queries:
        //   000101  Garden, re-encoded and smaller      -> ranking [0001, 0002]: top-1 yes, AP 1;   matched 0001: right
        //   000102  labelled scene 0001 but it is Wood  -> ranking [0002, 0001]: top-1 no,  AP 1/2; matched 0002: wrong
        //           (the field worker filed it under the wrong spot; an identical photo is the nearest neighbour)
        //   000201  Wood, cropped to 85%                 -> ranking [0002, 0001]: top-1 yes, AP 1;   matched 0002: right
        //   000301  Storm, a place in no milestone      -> open-set: not in retrieval; no keypoint support: unmatched, right
        // Retrieval over the 3 closed-set queries: top-1 = 2/3, recall@5 = 3/3 (only 2 gallery photos), mAP = (1 + 1/2 + 1)/3 = 5/6.
        // Decisions over all 4: correct 3/4; closed-set 2/3; open-set 1/1; false matches 0/1; wrong milestone 1/4.
        Directory.CreateDirectory(Path.Combine(root, "gallery"));
        Directory.CreateDirectory(Path.Combine(root, "queries"));
        Write("gallery/000100.jpg", "Garden.jpg", 1.0, 1.0, 90);
        Write("gallery/000200.jpg", "Wood.jpg", 1.0, 1.0, 90);
        Write("queries/000101.jpg", "Garden.jpg", 0.6, 1.0, 70);
        Write("queries/000102.jpg", "Wood.jpg", 1.0, 1.0, 90);
        Write("queries/000201.jpg", "Wood.jpg", 1.0, 0.85, 85);
        Write("queries/000301.jpg", "Storm.jpg", 1.0, 1.0, 85);
        var json = Path.Combine(root, "report.json");
        var output = new StringWriter();
        var error = new StringWriter();

        var exitCode = await EvalVerb.RunAsync([root, "--json", json], new VisionOptions(), output, error);

        Assert.True(exitCode == 0, error.ToString());
        var table = output.ToString();
        Assert.Contains("CNN cosine                   3   66.7%    100.0%   83.3%", table);
        Assert.Contains("time per photo:", table);
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var retrieval = report.RootElement.GetProperty("retrieval");
        Assert.Equal(2.0 / 3, retrieval.GetProperty("top1").GetDouble(), 6);
        Assert.Equal(1.0, retrieval.GetProperty("recallAt5").GetDouble(), 6);
        Assert.Equal(5.0 / 6, retrieval.GetProperty("meanAveragePrecision").GetDouble(), 6);
        var rules = report.RootElement.GetProperty("rules");
        var kept = rules[rules.GetArrayLength() - 1].GetProperty("summary");
        Assert.Equal(4, kept.GetProperty("queries").GetInt32());
        Assert.Equal(1, kept.GetProperty("openSetQueries").GetInt32());
        Assert.Equal(3.0 / 4, kept.GetProperty("accuracy").GetDouble(), 6);
        Assert.Equal(2.0 / 3, kept.GetProperty("closedSetAccuracy").GetDouble(), 6);
        Assert.Equal(1.0, kept.GetProperty("openSetAccuracy").GetDouble(), 6);
        Assert.Equal(0.0, kept.GetProperty("falseMatchRate").GetDouble(), 6);
        Assert.Equal(1.0 / 4, kept.GetProperty("wrongMilestoneRate").GetDouble(), 6);
    }

    [Fact]
    public async Task Eval_FolderThatDoesNotExist_ExitsWithAPlainMessage()
    {
        var error = new StringWriter();

        var exitCode = await EvalVerb.RunAsync([Path.Combine(root, "missing")], new VisionOptions(), new StringWriter(), error);

        Assert.Equal(1, exitCode);
        Assert.Contains("does not exist", error.ToString());
    }

    [Fact]
    public void Read_HolidaysFlatFolder_TreatsXX00AsQueriesAndSceneWithoutGalleryAsOpenSet()
    {
        foreach (var name in new[] { "100000.jpg", "100001.jpg", "100002.jpg", "100100.jpg", "100101.jpg", "100200.jpg" })
            File.WriteAllBytes(Path.Combine(root, name), [0xFF, 0xD8]);

        var set = EvalSetReader.Read(root);

        Assert.Equal("holidays", set.Layout);
        Assert.Equal(["1000", "1001", "1002"], set.Queries.Select(q => q.Scene));
        Assert.Equal(["1000", "1000", "1001"], set.Gallery.Select(g => g.Scene));
        Assert.DoesNotContain("1002", set.GalleryScenes);
    }

    // Writes a real photo, scaled by `scale` and centre-cropped to `crop` of each side, as a JPEG of `quality`.
    private void Write(string file, string photo, double scale, double crop, int quality)
    {
        using var source = SKBitmap.Decode(RealPhotos.Read(photo));
        var width = (int)(source.Width * scale);
        var height = (int)(source.Height * scale);
        using var result = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(result))
        using (var image = SKImage.FromBitmap(source))
        {
            var cropWidth = source.Width * (float)crop;
            var cropHeight = source.Height * (float)crop;
            var from = SKRect.Create((source.Width - cropWidth) / 2, (source.Height - cropHeight) / 2, cropWidth, cropHeight);
            canvas.DrawImage(image, from, SKRect.Create(width, height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }
        using var data = result.Encode(SKEncodedImageFormat.Jpeg, quality);
        File.WriteAllBytes(Path.Combine(root, file), data.ToArray());
    }
}
