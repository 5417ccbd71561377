using OpenCvSharp;

namespace ImaginAI.Vision.Verification;

/// <summary>
/// The local features of one photo, computed once by <see cref="KeypointVerifier.Describe"/> so that a photo can be
/// verified against many candidates without finding its features again. Dispose to free the native descriptors.
/// </summary>
public sealed class PhotoKeypoints : IDisposable
{
    internal PhotoKeypoints(int width, int height, double scale, KeyPoint[] keypoints, Mat descriptors)
    {
        Width = width;
        Height = height;
        Scale = scale;
        Keypoints = keypoints;
        Descriptors = descriptors;
    }

    /// <summary>Width of the photo the features were found on, in its own pixels.</summary>
    public int Width { get; }

    /// <summary>Height of the photo the features were found on, in its own pixels.</summary>
    public int Height { get; }

    /// <summary>Number of keypoints found.</summary>
    public int Count => Keypoints.Length;

    /// <summary>Working-scale pixels per photo pixel (at most 1).</summary>
    internal double Scale { get; }

    internal KeyPoint[] Keypoints { get; }

    internal Mat Descriptors { get; }

    public void Dispose() => Descriptors.Dispose();
}
