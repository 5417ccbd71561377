using OpenCvSharp;

namespace ImaginAI.Vision.Verification;

/// <summary>
/// The local features of one photo, computed once by <see cref="KeypointVerifier.Describe"/> so that a photo can be
/// verified against many candidates without finding its features again. Plain managed data (no native handle), so
/// it can be cached and shared between threads without anyone having to dispose it.
/// </summary>
public sealed class PhotoKeypoints
{
    private readonly byte[] descriptors;
    private readonly int descriptorLength;

    internal PhotoKeypoints(int width, int height, double scale, KeyPoint[] keypoints, Mat descriptors)
    {
        Width = width;
        Height = height;
        Scale = scale;
        Keypoints = keypoints;
        descriptorLength = descriptors.Cols;
        this.descriptors = [];
        if (!descriptors.Empty()) descriptors.GetArray(out this.descriptors);
    }

    /// <summary>Width of the photo the features were found on, in its own pixels.</summary>
    public int Width { get; }

    /// <summary>Height of the photo the features were found on, in its own pixels.</summary>
    public int Height { get; }

    /// <summary>Number of keypoints found.</summary>
    public int Count => Keypoints.Length;

    /// <summary>Bytes held, for cache accounting.</summary>
    public long SizeInBytes => descriptors.Length + Keypoints.Length * 28L;

    /// <summary>Working-scale pixels per photo pixel (at most 1).</summary>
    internal double Scale { get; }

    internal KeyPoint[] Keypoints { get; }

    /// <summary>A native copy of the binary descriptors (one row per keypoint) for one matching run; the caller disposes it.</summary>
    internal Mat CreateDescriptorMat()
    {
        var mat = new Mat(Keypoints.Length, descriptorLength, MatType.CV_8UC1);
        if (descriptors.Length > 0) mat.SetArray(descriptors);
        return mat;
    }
}
