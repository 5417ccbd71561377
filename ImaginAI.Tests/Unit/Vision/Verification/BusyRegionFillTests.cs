using ImaginAI.Tests.Support;
using ImaginAI.Tests.Integration;
using ImaginAI.Vision.Decoding;
using ImaginAI.Vision.Verification;

namespace ImaginAI.Tests.Unit.Vision.Verification;

/// <summary>
/// The painted-over copy (issue 13, third round): a smooth scene with something textured in front of it. Real photos,
/// the default model and OpenCV.
/// </summary>
public class BusyRegionFillTests(ResNet18Int8Fixture model) : IClassFixture<ResNet18Int8Fixture>
{
    private static readonly KeypointVerifier Verifier = new();
    private static readonly VerificationOptions Options = Verifier.Options;

    [Fact]
    public void Fill_SmoothSceneBehindATexturedPatch_BringsTheCnnVectorBackToTheScene()
    {
        // Fog over a meadow, then the same spot with a busy photo pasted over its lower right third (a truck in front).
        using var fog = PhotoDecoder.Decode(PhotoVariants.Blur(RealPhotos.Read("GreenMeadow.jpg"), 40));
        using var occluded = KeypointVerifierTests.OccludedRevisit(fog);
        var keypoints = Verifier.Describe(occluded)!;

        var busy = BusyRegionFill.BusyCells(keypoints, Options);

        Assert.NotNull(busy);
        // The patch covers x from 50% to 95% and y from 25% to 100% (cells 4-6 of 8 across, 2-7 down; its top row is
        // the elephants' plain sky): the rest of it is busy, and the smooth scene left of it is not.
        var patchCells = Enumerable.Range(0, 64).Where(i => i % 8 is >= 4 and <= 6 && i / 8 >= 3).ToList();
        Assert.All(patchCells, i => Assert.True(busy![i], $"cell {i % 8},{i / 8} of the patch is not busy"));
        var sceneCells = Enumerable.Range(0, 64).Where(i => i % 8 <= 2).ToList();
        Assert.True(sceneCells.Count(i => busy![i]) <= 2, $"{sceneCells.Count(i => busy![i])} cells of the left, smooth part are busy");
        using var filled = BusyRegionFill.Fill(occluded, busy!);
        var reference = model.Extractor.Extract(fog).Values;
        var before = Dot(model.Extractor.Extract(occluded).Values, reference);
        var after = Dot(model.Extractor.Extract(filled).Values, reference);
        Assert.True(after >= before + 0.05f, $"CNN score against the scene {before:0.000} with the patch, {after:0.000} painted over");
        Assert.InRange(Math.Max(filled.Bitmap.Width, filled.Bitmap.Height), 8, 320);
    }

    [Fact]
    public void BusyCells_PhotoWithKeypointsAllOver_IsNullSoNoCopyIsMade()
    {
        using var drops = PhotoDecoder.Decode(RealPhotos.Read("RainDrops.jpg"));
        var keypoints = Verifier.Describe(drops)!;

        Assert.True(keypoints.Coverage > Options.BusyMaxShare, $"precondition: keypoints cover {keypoints.Coverage:P0} of the frame");
        Assert.Null(BusyRegionFill.BusyCells(keypoints, Options));
    }

    private static float Dot(float[] a, float[] b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);
}
