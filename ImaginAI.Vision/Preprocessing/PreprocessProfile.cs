using SkiaSharp;

namespace ImaginAI.Vision.Preprocessing;

/// <summary>
/// How a model wants its input: a square of <see cref="InputSize"/> pixels, channel order, a mean to subtract (per
/// channel or per pixel) and a scale, written as float NCHW planes.
/// </summary>
/// <remarks>
/// The whole photo is squashed to the square, never centre-cropped: progress photos of a site are matched on what
/// is at the edges too (the scaffold on the left, the new wall on the right), and photos of one site come from the
/// same phones at the same aspect ratio, so the distortion is the same on both sides of a comparison.
/// </remarks>
public sealed class PreprocessProfile
{
    private readonly float[] meanPlanes;
    private readonly float[] channelScale;

    /// <param name="name">Profile name used in configuration ("vgg16", "resnet18", "imagenet").</param>
    /// <param name="inputSize">Side of the square input in pixels.</param>
    /// <param name="bgr">True to write planes in B, G, R order; false for R, G, B.</param>
    /// <param name="meanPlanes">3 × inputSize × inputSize values subtracted from the 0-255 pixel values, in output plane order.</param>
    /// <param name="channelScale">Multiplier per output plane applied after subtracting the mean.</param>
    public PreprocessProfile(string name, int inputSize, bool bgr, float[] meanPlanes, float[] channelScale)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        if (meanPlanes.Length != 3 * inputSize * inputSize)
            throw new ArgumentException($"The mean image must hold 3 × {inputSize} × {inputSize} values.", nameof(meanPlanes));
        if (channelScale.Length != 3) throw new ArgumentException("One scale per channel is needed.", nameof(channelScale));
        Name = name;
        InputSize = inputSize;
        Bgr = bgr;
        this.meanPlanes = meanPlanes;
        this.channelScale = channelScale;
    }

    public string Name { get; }
    public int InputSize { get; }
    public bool Bgr { get; }

    /// <summary>Floats one preprocessed image occupies: 3 × InputSize × InputSize.</summary>
    public int TensorLength => 3 * InputSize * InputSize;

    /// <summary>A profile that subtracts one mean per channel (given in output plane order).</summary>
    public static PreprocessProfile PerChannel(string name, int inputSize, bool bgr, ReadOnlySpan<float> channelMean, ReadOnlySpan<float> channelScale)
    {
        var plane = inputSize * inputSize;
        var mean = new float[3 * plane];
        for (var c = 0; c < 3; c++) mean.AsSpan(c * plane, plane).Fill(channelMean[c]);
        return new PreprocessProfile(name, inputSize, bgr, mean, channelScale.ToArray());
    }

    /// <summary>Resizes <paramref name="photo"/> to the input square and writes its planes into <paramref name="destination"/>.</summary>
    public void Fill(SKBitmap photo, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(photo);
        if (photo.Width == InputSize && photo.Height == InputSize && photo.ColorType == SKColorType.Rgba8888)
        {
            // Already the input size: resampling at 1:1 would only blur it.
            FillFromSquare(photo, destination);
            return;
        }
        using var square = Resize(photo, InputSize);
        FillFromSquare(square, destination);
    }

    /// <summary>Writes the planes of a bitmap that already is InputSize × InputSize.</summary>
    internal void FillFromSquare(SKBitmap square, Span<float> destination)
    {
        if (square.Width != InputSize || square.Height != InputSize || square.ColorType != SKColorType.Rgba8888)
            throw new ArgumentException($"Expected an RGBA {InputSize}×{InputSize} bitmap.", nameof(square));
        if (destination.Length < TensorLength) throw new ArgumentException("The destination is too small.", nameof(destination));

        var plane = InputSize * InputSize;
        var pixels = square.GetPixelSpan();
        var rowBytes = square.RowBytes;
        var (first, third) = Bgr ? (2, 0) : (0, 2);
        var out0 = destination[..plane];
        var out1 = destination.Slice(plane, plane);
        var out2 = destination.Slice(2 * plane, plane);
        var mean0 = meanPlanes.AsSpan(0, plane);
        var mean1 = meanPlanes.AsSpan(plane, plane);
        var mean2 = meanPlanes.AsSpan(2 * plane, plane);
        float s0 = channelScale[0], s1 = channelScale[1], s2 = channelScale[2];
        for (var y = 0; y < InputSize; y++)
        {
            var row = pixels.Slice(y * rowBytes, InputSize * 4);
            for (var x = 0; x < InputSize; x++)
            {
                var i = y * InputSize + x;
                var px = row.Slice(x * 4, 4);
                out0[i] = (px[first] - mean0[i]) * s0;
                out1[i] = (px[1] - mean1[i]) * s1;
                out2[i] = (px[third] - mean2[i]) * s2;
            }
        }
    }

    /// <summary>Squashes a bitmap to size × size RGBA with smooth sampling.</summary>
    internal static SKBitmap Resize(SKBitmap source, int size)
    {
        var square = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Opaque));
        // Mitchell cubic is sharp and ringing-free for the ≤ 2-3× reductions a reduced-scale decode leaves; for
        // bigger reductions (PNG, WebP: no DCT scaling) trilinear mipmaps average every source pixel instead of aliasing.
        var reduction = Math.Max((double)source.Width / size, (double)source.Height / size);
        var sampling = reduction > 3
            ? new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)
            : new SKSamplingOptions(SKCubicResampler.Mitchell);
        if (!source.ScalePixels(square, sampling))
        {
            square.Dispose();
            throw new InvalidOperationException($"Could not resize a {source.Width}×{source.Height} {source.ColorType} bitmap.");
        }
        return square;
    }
}
