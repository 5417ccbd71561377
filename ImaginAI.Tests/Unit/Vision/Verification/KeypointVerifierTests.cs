using ImaginAI.Tests.Support;
using ImaginAI.Vision.Decoding;
using ImaginAI.Vision.Verification;
using SkiaSharp;

namespace ImaginAI.Tests.Unit.Vision.Verification;

public class KeypointVerifierTests
{
    private static readonly KeypointVerifier Verifier = new();

    // The tracker accepts a milestone on geometric evidence at this many inliers.
    private static readonly int AcceptedInliers = new ImaginAI.Tracker.Matching.MatchRuleSettings().MinInliers;

    [Fact]
    public void IsAvailable_WithLibgtkInstalled_IsTrueAndGivesNoReason()
    {
        Assert.True(KeypointVerifier.IsAvailable, KeypointVerifier.UnavailableReason);
        Assert.Null(KeypointVerifier.UnavailableReason);
    }

    [Fact]
    public void Verify_RevisitWarpedCroppedAndReexposed_AcceptsWithAHomographyThatMapsTheScene()
    {
        using var original = Decode("Garden.jpg");
        // The revisit: a step to the side (perspective), closer (crop), darker and warmer (exposure/white balance).
        var view = SKMatrix.CreateScale(1.25f, 1.25f).PostConcat(SKMatrix.CreateTranslation(-60, -40));
        view.Persp0 = 0.00012f;
        using var revisit = Revisit(original.Bitmap, view);

        var result = Verifier.Verify(original, revisit);

        Assert.True(result.Available);
        Assert.True(result.Inliers >= AcceptedInliers * 5, $"only {result.Inliers} inliers of {result.Matches} matches");
        Assert.NotNull(result.Homography);
        // The fitted homography must send a point of the original where the revisit shows it.
        var (x, y) = (original.Bitmap.Width * 0.5f, original.Bitmap.Height * 0.5f);
        var expected = view.MapPoint(x, y);
        var actual = Apply(result.Homography!, x, y);
        Assert.InRange(Distance(expected, actual), 0, 6);
        Assert.All(result.Pairs, p => Assert.InRange(p.AX, 0, original.Bitmap.Width));
        Assert.Equal(result.Inliers, result.Pairs.Count(p => p.IsInlier));
    }

    [Fact]
    public void Verify_DifferentSceneWithTheSameColourLayout_Rejects()
    {
        // Two different meadows: green, bright, the same layout of colour. A CNN sees them as alike; the geometry must not.
        using var meadow = Decode("GreenMeadow.jpg");
        using var blinds = Decode("Blinds.jpg");
        Assert.InRange(MeanColourDistance(meadow.Bitmap, blinds.Bitmap), 0, 60);

        var result = Verifier.Verify(meadow, blinds);

        Assert.True(result.Available);
        Assert.True(result.Inliers < AcceptedInliers, $"{result.Inliers} inliers between two different places");
    }

    [Fact]
    public void Verify_DifferentSceneRecolouredToMatch_Rejects()
    {
        // A different photo given the first one's exposure and colour cast: colour statistics agree, places do not.
        using var flower = Decode("YellowFlower.jpg");
        using var other = Decode("FreshFlower.jpg");
        using var recoloured = MatchMeanColour(other.Bitmap, flower.Bitmap);
        using var recolouredPhoto = new DecodedPhoto(recoloured, other.Header, PhotoMetadata.None);
        Assert.InRange(MeanColourDistance(flower.Bitmap, recoloured), 0, 8);

        var result = Verifier.Verify(flower, recolouredPhoto);

        Assert.True(result.Inliers < AcceptedInliers, $"{result.Inliers} inliers between two different places");
    }

    [Fact]
    public void Describe_ThenVerifyManyTimes_GivesTheSameResultAsVerifyingPhotos()
    {
        using var original = Decode("Wood.jpg");
        using var revisit = Revisit(original.Bitmap, SKMatrix.CreateRotationDegrees(4, original.Bitmap.Width / 2f, original.Bitmap.Height / 2f));
        var a = Verifier.Describe(original)!;
        var b = Verifier.Describe(revisit)!;

        var first = Verifier.Verify(a, b);
        var second = Verifier.Verify(a, b);

        Assert.True(first.Inliers >= AcceptedInliers, $"{first.Inliers} inliers for a 4 degree rotation");
        Assert.Equal(first.Matches, second.Matches);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 5)]
    [InlineData(3000, 2)]
    public void Describe_TinyOrSliverImage_FindsNoKeypointsInsteadOfThrowing(int width, int height)
    {
        using var tiny = PhotoDecoder.Decode(TestImages.QuadrantsGif(width, height));
        using var photo = Decode("Garden.jpg");

        var keypoints = Verifier.Describe(tiny);
        var result = Verifier.Verify(photo, tiny);

        Assert.NotNull(keypoints);
        Assert.Equal(0, keypoints!.Count);
        Assert.True(result.Available);
        Assert.Equal(0, result.Inliers); // nothing to verify against: no evidence, not an error
    }

    [Theory]
    [InlineData("Garden.jpg")]
    [InlineData("Wood.jpg")]
    public void Verify_TexturedScene320PixelsWide_VerifiesAgainstItsReference(string name)
    {
        // A revisit sent at 320 px (a messaging app's thumbnail): upscaled to the working size for detection, ORB
        // finds keypoints at the scales of the full-size reference instead of losing most of the photo to its border.
        using var reference = Decode(name);
        var bytes = RealPhotos.Read(name);
        using var small = PhotoDecoder.Decode(ImaginAI.Tests.Integration.PhotoVariants.Resize(bytes, 320f / Math.Max(reference.Bitmap.Width, reference.Bitmap.Height)));
        Assert.Equal(320, Math.Max(small.Bitmap.Width, small.Bitmap.Height));

        var upscaled = Verifier.Verify(small, reference);
        var notUpscaled = new KeypointVerifier(Verifier.Options with { MaxUpscale = 1 }).Verify(small, reference);

        Assert.True(upscaled.Inliers >= AcceptedInliers, $"only {upscaled.Inliers} inliers for a 320-px copy ({upscaled.KeypointsA} keypoints)");
        Assert.True(upscaled.KeypointsA > notUpscaled.KeypointsA,
            $"upscaling found {upscaled.KeypointsA} keypoints, without it {notUpscaled.KeypointsA}");
        Assert.NotNull(upscaled.Homography);
        // The homography is in each photo's own pixels: the small photo's centre lands on the reference's centre.
        var centre = Apply(upscaled.Homography!, small.Bitmap.Width / 2f, small.Bitmap.Height / 2f);
        Assert.InRange(Distance(centre, new SKPoint(reference.Bitmap.Width / 2f, reference.Bitmap.Height / 2f)), 0, 0.02 * reference.Bitmap.Width);
    }

    [Fact]
    public void Verify_RevisitBehindATexturedPatchOverAThird_VerifiesOnTheSpreadKeypoints()
    {
        const string name = "Blinds.jpg";
        // A truck in front of the spot: a patch of an unrelated, busier photo over 45% of the width and 75% of the
        // height, standing on the bottom edge. The strongest keypoints gather on the patch; the spread set keeps the
        // visible rest of the scene, and the second pass finds the viewpoint there.
        using var reference = Decode(name);
        using var occluded = OccludedRevisit(reference);
        var firstPassOnly = new KeypointVerifier(Verifier.Options with { SpreadPerCell = 0 });

        var result = Verifier.Verify(occluded, reference);
        var strongestOnly = firstPassOnly.Verify(occluded, reference);

        Assert.True(result.Inliers >= AcceptedInliers,
            $"only {result.Inliers} inliers behind the patch (first pass {result.FirstPassInliers}, spread pass used: {result.SpreadPass})");
        // Without the spread pass this photo is refused: its strongest keypoints do not reach the minimum.
        Assert.True(strongestOnly.Inliers < AcceptedInliers, $"the strongest keypoints alone gave {strongestOnly.Inliers} inliers");
        Assert.True(result.SpreadPass);
        Assert.Equal(strongestOnly.Inliers, result.FirstPassInliers);
        // Same framing: the homography must send the reference's visible top-left quarter point onto itself.
        var (x, y) = (reference.Bitmap.Width * 0.25f, reference.Bitmap.Height * 0.2f);
        Assert.InRange(Distance(Apply(result.Homography!, x, y), new SKPoint(x, y)), 0, 0.02 * reference.Bitmap.Width);
    }

    [Fact]
    public void Describe_SpreadSet_CoversTheFrameAndSurvivesWriteAndRead()
    {
        using var photo = Decode("Garden.jpg");
        var keypoints = Verifier.Describe(photo)!;
        using var stream = new MemoryStream();
        keypoints.Write(stream);

        var read = PhotoKeypoints.Read(stream.ToArray())!;

        Assert.NotNull(keypoints.Spread);
        Assert.InRange(keypoints.Spread!.Count, 1, Verifier.Options.SpreadPerCell * 64);
        Assert.True(keypoints.Spread.Coverage >= keypoints.Coverage, $"spread covers {keypoints.Spread.Coverage:P0}, the strongest {keypoints.Coverage:P0}");
        Assert.Equal(keypoints.Count, read.Count);
        Assert.Equal(keypoints.Spread.Count, read.Spread!.Count);
        Assert.Equal(Verifier.Verify(keypoints, keypoints).Inliers, Verifier.Verify(read, read).Inliers);
    }

    /// <summary>The photo behind a patch of the elephants photo (no scene of the tests) over its lower right third.</summary>
    internal static DecodedPhoto OccludedRevisit(DecodedPhoto photo)
    {
        using var elephants = Decode("Elephants_5640x3172.jpg");
        return Occlude(photo.Bitmap, elephants.Bitmap);
    }

    private static DecodedPhoto Occlude(SKBitmap source, SKBitmap patch)
    {
        var (width, height) = (source.Width * 0.45f, source.Height * 0.75f);
        var rect = SKRect.Create(source.Width * 0.5f, source.Height - height, width, height);
        using var bitmap = source.Copy(SKColorType.Rgba8888);
        using (var canvas = new SKCanvas(bitmap))
        using (var image = SKImage.FromBitmap(patch))
            canvas.DrawImage(image, SKRect.Create(patch.Width * 0.3f, patch.Height * 0.2f, width, height), rect, new SKSamplingOptions(SKFilterMode.Linear));
        return PhotoDecoder.Decode(bitmap.Encode(SKEncodedImageFormat.Jpeg, 85).ToArray());
    }

    internal static DecodedPhoto Decode(string name) => PhotoDecoder.Decode(RealPhotos.Read(name));

    private static DecodedPhoto Revisit(SKBitmap source, SKMatrix view)
    {
        var bitmap = new SKBitmap(new SKImageInfo(source.Width, source.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        using (var image = SKImage.FromBitmap(source))
        using (var exposure = SKColorFilter.CreateColorMatrix([0.75f, 0, 0, 0, 0, 0, 0.65f, 0, 0, 0, 0, 0, 0.5f, 0, 0, 0, 0, 0, 1, 0]))
        using (var paint = new SKPaint { ColorFilter = exposure })
        {
            canvas.Clear(SKColors.Black);
            canvas.SetMatrix(view);
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear), paint);
        }
        var encoded = bitmap.Encode(SKEncodedImageFormat.Jpeg, 80).ToArray();
        bitmap.Dispose();
        return PhotoDecoder.Decode(encoded);
    }

    private static SKBitmap MatchMeanColour(SKBitmap source, SKBitmap target)
    {
        var (sr, sg, sb) = MeanColour(source);
        var (tr, tg, tb) = MeanColour(target);
        var result = new SKBitmap(new SKImageInfo(source.Width, source.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(result);
        using var filter = SKColorFilter.CreateColorMatrix([tr / sr, 0, 0, 0, 0, 0, tg / sg, 0, 0, 0, 0, 0, tb / sb, 0, 0, 0, 0, 0, 1, 0]);
        using var paint = new SKPaint { ColorFilter = filter };
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear), paint);
        return result;
    }

    private static (float R, float G, float B) MeanColour(SKBitmap bitmap)
    {
        using var small = bitmap.Resize(new SKImageInfo(64, 64, SKColorType.Rgba8888, SKAlphaType.Premul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))!;
        double r = 0, g = 0, b = 0;
        for (var y = 0; y < 64; y++)
            for (var x = 0; x < 64; x++)
            {
                var c = small.GetPixel(x, y);
                r += c.Red; g += c.Green; b += c.Blue;
            }
        const double n = 64 * 64;
        return ((float)(r / n), (float)(g / n), (float)(b / n));
    }

    private static double MeanColourDistance(SKBitmap a, SKBitmap b)
    {
        var (ar, ag, ab) = MeanColour(a);
        var (br, bg, bb) = MeanColour(b);
        return Math.Sqrt((ar - br) * (ar - br) + (ag - bg) * (ag - bg) + (ab - bb) * (ab - bb));
    }

    private static SKPoint Apply(double[] h, float x, float y)
    {
        var w = h[6] * x + h[7] * y + h[8];
        return new SKPoint((float)((h[0] * x + h[1] * y + h[2]) / w), (float)((h[3] * x + h[4] * y + h[5]) / w));
    }

    private static double Distance(SKPoint a, SKPoint b) => Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));
}
