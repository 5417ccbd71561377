using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace ImaginAI.Vision.Models;

/// <summary>
/// SHA-256 of a weights file, cached by path, size and modification time (in memory and in a small file under the
/// user's local data folder) so start-up does not re-read hundreds of megabytes every time.
/// </summary>
internal static class WeightsHash
{
    private static readonly ConcurrentDictionary<string, string> Memory = new();

    /// <summary>The first 12 hex digits of the file's SHA-256.</summary>
    public static string ShortSha256(string path) => Sha256(path)[..12];

    public static string Sha256(string path)
    {
        var file = new FileInfo(path);
        var key = $"{file.FullName}|{file.Length}|{file.LastWriteTimeUtc.Ticks}";
        return Memory.GetOrAdd(key, k =>
        {
            var cacheFile = CacheFileFor(k);
            try
            {
                if (cacheFile is not null && File.Exists(cacheFile)) return File.ReadAllText(cacheFile).Trim();
            }
            catch (IOException) { }
            string hash;
            using (var stream = File.OpenRead(path)) hash = Convert.ToHexStringLower(SHA256.HashData(stream));
            TryWrite(cacheFile, hash);
            return hash;
        });
    }

    private static string? CacheFileFor(string key)
    {
        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(root)) return null;
        var name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];
        return Path.Combine(root, "ImaginAI", "model-hashes", name + ".sha256");
    }

    private static void TryWrite(string? cacheFile, string hash)
    {
        if (cacheFile is null) return;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(cacheFile)!);
            // Write then rename, so a concurrent reader never sees half a hash.
            var temp = cacheFile + "." + Environment.ProcessId + ".tmp";
            File.WriteAllText(temp, hash);
            File.Move(temp, cacheFile, overwrite: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
