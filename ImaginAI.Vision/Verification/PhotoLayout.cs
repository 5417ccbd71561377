using ImaginAI.Vision.Decoding;
using OpenCvSharp;

namespace ImaginAI.Vision.Verification;

/// <summary>
/// Where a photo is light and where it is dark: a small grey thumbnail of the whole frame. Keypoints cannot check a
/// smooth scene (a sky, a bare wall, a gradient), and the CNN finds two different smooth scenes alike; their layouts
/// still differ (a band of light here, a dark corner there), while a revisit of the same spot keeps it through a new
/// exposure, blur, JPEG, a small turn or a crop.
/// </summary>
public sealed class PhotoLayout
{
    /// <summary>The thumbnail's side: the frame is squeezed to a square, as both photos of a pair are.</summary>
    public const int Side = 96;

    /// <summary>A photo need not be decoded with a short side above this (<see cref="DecodeOptions.MinShortSide"/>).</summary>
    public const int WorkingSide = 128;

    // Each comparison samples a 24×24 grid: fine enough for the layout, coarse enough that noise and JPEG do not count.
    private const int Samples = 24;

    // The revisit may show only part of the reference's frame (a step closer, a crop): it is compared with windows of
    // the reference at these sizes, each at 4×4 positions.
    private static readonly double[] WindowSizes = [1.0, 0.85, 0.7, 0.6];

    /// <summary>Memory one layout takes.</summary>
    public const int SizeInBytes = Side * Side * sizeof(float);

    private readonly float[] pixels;

    private PhotoLayout(float[] pixels) => this.pixels = pixels;

    public static PhotoLayout Of(DecodedPhoto photo)
    {
        ArgumentNullException.ThrowIfNull(photo);
        using var small = BitmapMats.ResizedRgba(photo.Bitmap, Side, Side);
        using var grey = new Mat();
        Cv2.CvtColor(small, grey, ColorConversionCodes.RGBA2GRAY);
        var pixels = new float[Side * Side];
        for (var y = 0; y < Side; y++)
            for (var x = 0; x < Side; x++)
                pixels[y * Side + x] = grey.At<byte>(y, x);
        return new PhotoLayout(pixels);
    }

    /// <summary>
    /// How well this photo's layout agrees with <paramref name="reference"/>'s: the best correlation (-1 to 1) of this
    /// whole frame with a window of the reference. Correlation ignores a change of brightness or contrast.
    /// </summary>
    public float AgreementWith(PhotoLayout reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var own = Sample(0, 0, 1.0);
        var best = -1f;
        foreach (var size in WindowSizes)
        {
            var positions = size >= 1.0 ? 1 : 4;
            for (var i = 0; i < positions; i++)
                for (var j = 0; j < positions; j++)
                {
                    var step = positions == 1 ? 0 : (1 - size) / (positions - 1);
                    var window = reference.Sample(i * step, j * step, size);
                    var sum = 0f;
                    for (var k = 0; k < own.Length; k++) sum += own[k] * window[k];
                    best = Math.Max(best, sum / own.Length);
                }
        }
        return best;
    }

    // The window of side `size` (a share of the frame) at (x0, y0), sampled bilinearly and scaled to mean 0, variance 1.
    private float[] Sample(double x0, double y0, double size)
    {
        var values = new float[Samples * Samples];
        for (var j = 0; j < Samples; j++)
            for (var i = 0; i < Samples; i++)
            {
                var x = Math.Clamp((x0 + size * (i + 0.5) / Samples) * Side - 0.5, 0, Side - 1.001);
                var y = Math.Clamp((y0 + size * (j + 0.5) / Samples) * Side - 0.5, 0, Side - 1.001);
                var (xi, yi) = ((int)x, (int)y);
                var (fx, fy) = ((float)(x - xi), (float)(y - yi));
                var at = yi * Side + xi;
                values[j * Samples + i] = pixels[at] * (1 - fx) * (1 - fy) + pixels[at + 1] * fx * (1 - fy)
                                          + pixels[at + Side] * (1 - fx) * fy + pixels[at + Side + 1] * fx * fy;
            }
        var mean = values.Average();
        var deviation = MathF.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
        // A flat window (one grey all over) has no layout to agree with: it correlates with nothing.
        if (deviation < 1e-3f) return new float[values.Length];
        for (var k = 0; k < values.Length; k++) values[k] = (values[k] - mean) / deviation;
        return values;
    }
}
