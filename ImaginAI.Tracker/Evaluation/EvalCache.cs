using System.Security.Cryptography;
using System.Text;
using ImaginAI.Vision.Verification;

namespace ImaginAI.Tracker.Evaluation;

/// <summary>
/// Keeps each evaluation photo's CNN vector and keypoints between runs, so that trying another decision rule or
/// evidence line does not embed and describe hundreds of photos again. Entries are keyed by the file (path, size,
/// time written), the model, and for keypoints every setting that changes them: a changed photo or setting is a miss.
/// </summary>
internal sealed class EvalCache(string directory, string modelId, VerificationOptions verification)
{
    public float[]? ReadVector(string path)
    {
        var file = Entry(path, "vec", modelId);
        if (!File.Exists(file)) return null;
        var bytes = File.ReadAllBytes(file);
        var vector = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, vector, 0, vector.Length * sizeof(float));
        return vector;
    }

    // A photo at least as large as the working size is only ever shrunk, so its keypoints do not depend on the
    // upscaling setting: kept under a key without it, one run's keypoints serve the other's.
    public PhotoKeypoints? ReadKeypoints(string path)
    {
        foreach (var file in new[] { Entry(path, "kp", LargePhotoSettings), Entry(path, "kp", KeypointSettings) })
            if (File.Exists(file)) return PhotoKeypoints.Read(File.ReadAllBytes(file));
        return null;
    }

    public void Write(string path, float[] vector, PhotoKeypoints? keypoints)
    {
        Directory.CreateDirectory(directory);
        var bytes = new byte[vector.Length * sizeof(float)];
        Buffer.BlockCopy(vector, 0, bytes, 0, bytes.Length);
        File.WriteAllBytes(Entry(path, "vec", modelId), bytes);
        if (keypoints is null) return;
        var large = Math.Max(keypoints.Width, keypoints.Height) >= verification.MaxSide;
        using var stream = File.Create(Entry(path, "kp", large ? LargePhotoSettings : KeypointSettings));
        keypoints.Write(stream);
    }

    private string KeypointSettings => FormattableString.Invariant($"{LargePhotoSettings}|{verification.MaxUpscale}");

    private string LargePhotoSettings => FormattableString.Invariant(
        $"{verification.MaxSide}|{verification.MaxFeatures}|{verification.FastThreshold}|spread{verification.SpreadPerCell}");

    private string Entry(string path, string kind, string settings)
    {
        var info = new FileInfo(path);
        var key = $"{Path.GetFullPath(path)}|{info.Length}|{info.LastWriteTimeUtc.Ticks}|{kind}|{settings}";
        return Path.Combine(directory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32] + "." + kind);
    }
}
