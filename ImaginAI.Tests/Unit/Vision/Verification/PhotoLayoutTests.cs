using ImaginAI.Tests.Integration;
using ImaginAI.Tracker.Matching;
using ImaginAI.Vision.Decoding;
using ImaginAI.Vision.Verification;

namespace ImaginAI.Tests.Unit.Vision.Verification;

/// <summary>
/// The layout check (issue 13, fourth round): a smooth scene that keypoints cannot check, revisited, against another
/// smooth scene the CNN finds just as alike. Real photos, the default model and OpenCV.
/// </summary>
public class PhotoLayoutTests(ResNet18Int8Fixture model) : IClassFixture<ResNet18Int8Fixture>
{
    private static readonly float DefaultLine = new MatchRuleSettings().MinLayoutAgreement!.Value;
    private static readonly byte[] Fog = FoggySite.Fog;

    [Fact]
    public void AgreementWith_SmoothSceneRevisitedCloserAndBrighter_AgreesWellAboveTheDefaultLine()
    {
        var revisit = PhotoVariants.ReEncode(PhotoVariants.Exposure(PhotoVariants.Crop(Fog, 0.8f, 0.3f, 0.6f), 1.3f), 40);

        var agreement = Layout(revisit).AgreementWith(Layout(Fog));

        Assert.True(agreement >= DefaultLine + 0.2f, $"layout agreement {agreement:0.000}, default line {DefaultLine:0.00}");
    }

    [Fact]
    public void AgreementWith_TheSameSmoothSceneUpsideDown_FallsBelowTheDefaultLineThoughTheCnnFindsItAlike()
    {
        // The same colours and surfaces, laid out the other way round: what two different skies or walls look like.
        var upsideDown = PhotoVariants.HalfTurn(Fog);
        using var a = PhotoDecoder.Decode(upsideDown);
        using var b = PhotoDecoder.Decode(Fog);

        var cnn = model.Extractor.Extract(a).Values.Zip(model.Extractor.Extract(b).Values).Sum(p => p.First * p.Second);
        var agreement = PhotoLayout.Of(a).AgreementWith(PhotoLayout.Of(b));

        Assert.True(cnn >= new MatchRuleSettings().NoEvidenceThreshold, $"CNN score {cnn:0.000}: the CNN alone would accept it");
        Assert.True(agreement < DefaultLine, $"layout agreement {agreement:0.000}, default line {DefaultLine:0.00}");
    }

    [Fact]
    public void AgreementWith_OneGreyAllOver_AgreesWithNothing()
    {
        using var grey = new DecodedPhoto(Solid(new SkiaSharp.SKColor(128, 128, 128)), default!, default!);

        var agreement = PhotoLayout.Of(grey).AgreementWith(Layout(Fog));

        Assert.Equal(0f, agreement, 3);
    }

    private static PhotoLayout Layout(byte[] photo)
    {
        using var decoded = PhotoDecoder.Decode(photo, new DecodeOptions { MinShortSide = PhotoLayout.WorkingSide });
        return PhotoLayout.Of(decoded);
    }

    private static SkiaSharp.SKBitmap Solid(SkiaSharp.SKColor color)
    {
        var bitmap = new SkiaSharp.SKBitmap(new SkiaSharp.SKImageInfo(400, 300, SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Opaque));
        bitmap.Erase(color);
        return bitmap;
    }
}
