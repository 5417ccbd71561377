using OpenCvSharp;
using SkiaSharp;

namespace ImaginAI.Vision.Alignment;

/// <summary>
/// Writes aligned frames as an MP4 video with OpenCV's video writer. The FFmpeg built into the bundled OpenCV
/// runtime encodes MPEG-4 Part 2 ("mp4v"), Motion JPEG, Xvid and FFV1, but no H.264, VP8/VP9 or AV1 (probed on
/// OpenCvSharp4.official.runtime.linux-x64 4.13): MPEG-4 Part 2 in an .mp4 is the one that plays in the usual desktop
/// players (VLC, Windows' Media Player, QuickTime) without an extra download. Needs OpenCV.
/// </summary>
public static class TimelapseVideo
{
    /// <summary>The media type of what <see cref="Write"/> produces.</summary>
    public const string ContentType = "video/mp4";

    /// <summary>
    /// Writes <paramref name="frames"/> (all of <paramref name="size"/>, whose sides must be even) to
    /// <paramref name="path"/>, each shown for <paramref name="secondsPerFrame"/>.
    /// Throws <see cref="InvalidOperationException"/> when the writer cannot open.
    /// </summary>
    public static void Write(string path, SKSizeI size, IEnumerable<SKBitmap> frames, double secondsPerFrame)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (size.Width % 2 != 0 || size.Height % 2 != 0) throw new ArgumentException("MPEG-4 needs even frame sides.", nameof(size));
        // Players drop to a crawl at very low frame rates: every frame is written several times at a steady 10 fps.
        const double fps = 10;
        var repeat = Math.Max(1, (int)Math.Round(secondsPerFrame * fps));
        using var writer = new VideoWriter(path, FourCC.FromString("mp4v"), fps, new Size(size.Width, size.Height));
        if (!writer.IsOpened()) throw new InvalidOperationException("OpenCV's video writer could not open an MPEG-4 file here.");
        using var bgr = new Mat();
        foreach (var frame in frames)
        {
            if (frame.Width != size.Width || frame.Height != size.Height)
                throw new ArgumentException("Every frame must have the video's size.", nameof(frames));
            using var rgba = FrameAligner.WrapRgba(frame, out var copy);
            using (copy)
            {
                Cv2.CvtColor(rgba, bgr, ColorConversionCodes.RGBA2BGR);
                for (var i = 0; i < repeat; i++) writer.Write(bgr);
            }
        }
        writer.Release();
    }

    /// <summary>Frames in a video file (OpenCV's reader), for checking what was written.</summary>
    public static int CountFrames(string path)
    {
        using var capture = new VideoCapture(path);
        return capture.IsOpened() ? (int)capture.Get(VideoCaptureProperties.FrameCount) : 0;
    }
}
