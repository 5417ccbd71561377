using ImaginAI.Tests.Support;
using ImaginAI.Vision.Decoding;
using ImaginAI.Vision.Preprocessing;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

namespace ImaginAI.Tests.Unit.Vision.Preprocessing;

public class PreprocessProfileTests
{
    [Fact]
    public void ResNet18_RealPhoto_EqualsThePackagesPreprocessGraph()
    {
        using var photo = PhotoDecoder.Decode(RealPhotos.Read(Path.GetFileName(RealPhotos.Scenes[0])), new DecodeOptions { MinShortSide = 224 });
        using var square = PreprocessProfile.Resize(photo.Bitmap, 224);

        AssertMatchesGraph(square);
    }

    [Fact]
    public void ResNet18_RandomPixels_EqualsThePackagesPreprocessGraph()
    {
        // Every value 0-255 in every channel and position, unlike a photo's smooth areas.
        using var square = new SKBitmap(new SKImageInfo(224, 224, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var random = new Random(7);
        var pixels = square.GetPixelSpan();
        var bytes = new byte[pixels.Length];
        random.NextBytes(bytes);
        for (var i = 3; i < bytes.Length; i += 4) bytes[i] = 255;
        System.Runtime.InteropServices.Marshal.Copy(bytes, 0, square.GetPixels(), bytes.Length);

        AssertMatchesGraph(square);
    }

    [Fact]
    public void Vgg16_OnePixelColour_IsBgrMinusCaffeMeansUnscaled()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(300, 200, SKColorType.Rgba8888, SKAlphaType.Opaque));
        bitmap.Erase(new SKColor(200, 100, 50));
        var profile = PreprocessProfiles.Vgg16;
        var tensor = new float[profile.TensorLength];

        profile.Fill(bitmap, tensor);

        var plane = 224 * 224;
        Assert.Equal(3 * plane, tensor.Length);
        Assert.All(tensor[..plane], v => Assert.Equal(50 - 103.939f, v, 3));          // B
        Assert.All(tensor[plane..(2 * plane)], v => Assert.Equal(100 - 116.779f, v, 3)); // G
        Assert.All(tensor[(2 * plane)..], v => Assert.Equal(200 - 123.68f, v, 3));     // R
    }

    [Fact]
    public void Fill_WidePhoto_KeepsTheEdgesBySquashingNotCropping()
    {
        // Left fifth red, right fifth blue: a centre crop of 16:9 would lose both.
        using var bitmap = new SKBitmap(new SKImageInfo(1600, 900, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Gray);
            using var red = new SKPaint { Color = SKColors.Red };
            using var blue = new SKPaint { Color = SKColors.Blue };
            canvas.DrawRect(0, 0, 320, 900, red);
            canvas.DrawRect(1280, 0, 320, 900, blue);
        }
        var profile = PreprocessProfiles.Vgg16;
        var tensor = new float[profile.TensorLength];

        profile.Fill(bitmap, tensor);

        var plane = 224 * 224;
        float Red(int x, int y) => tensor[2 * plane + y * 224 + x] + 123.68f;
        float Blue(int x, int y) => tensor[y * 224 + x] + 103.939f;
        Assert.True(Red(5, 112) > 240 && Blue(5, 112) < 15);
        Assert.True(Blue(218, 112) > 240 && Red(218, 112) < 15);
    }

    private static void AssertMatchesGraph(SKBitmap square)
    {
        var profile = PreprocessProfiles.ResNet18;
        var ours = new float[profile.TensorLength];
        profile.FillFromSquare(square, ours);

        // What ML.NET feeds the graph: R, G, B planes of 0-255 values.
        var plane = 224 * 224;
        var rgbPlanes = new float[3 * plane];
        var pixels = square.GetPixelSpan();
        for (var i = 0; i < plane; i++)
        for (var c = 0; c < 3; c++)
            rgbPlanes[c * plane + i] = pixels[i * 4 + c];

        using var session = new InferenceSession(PreprocessProfiles.ResNet18PreprocessPath);
        using var input = OrtValue.CreateTensorValueFromMemory(rgbPlanes, [1, 3, 224, 224]);
        using var outputs = session.Run(new RunOptions(), ["OriginalInput"], [input], ["PreprocessedInput"]);
        var graph = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        var maxAbsDiff = ours.Zip(graph, (a, b) => MathF.Abs(a - b)).Max();
        Assert.True(maxAbsDiff < 1e-3f, $"max abs diff {maxAbsDiff}");
        Assert.True(graph.Select(MathF.Abs).Max() > 50, "the comparison must be over real values, not zeros");
    }
}
