using ImaginAI.Vision;
using ImaginAI.Vision.Decoding;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Photos;

/// <summary>Makes each photo's ~400 px JPEG thumbnail once, on first request, and keeps it in thumbs/.</summary>
public sealed class ThumbnailService(PhotoFileStore store, IOptions<VisionOptions> vision)
{
    public const int MaxSide = 400;

    // Decoding a 12-MP photo is heavy; a page full of new photos must not take every core at once.
    private readonly SemaphoreSlim decoders = new(Math.Max(1, Environment.ProcessorCount / 2));

    /// <summary>The thumbnail's path; throws <see cref="PhotoDecodeException"/> when the photo cannot be decoded.</summary>
    public async Task<string> GetOrCreateAsync(Photo photo, CancellationToken cancellationToken)
    {
        var path = store.ThumbnailPath(photo.Sha256);
        if (File.Exists(path)) return path;
        await decoders.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(path)) return path;
            var bytes = await File.ReadAllBytesAsync(store.PhotoPath(photo.Sha256, photo.ContentType), cancellationToken);
            using var decoded = PhotoDecoder.Decode(bytes, new DecodeOptions { MinShortSide = MaxSide, MaxPixels = vision.Value.MaxPixels });
            var jpeg = PhotoDecoder.EncodeJpeg(decoded.Bitmap, MaxSide, 80);
            await PhotoFileStore.WriteAtomicallyAsync(path, jpeg, cancellationToken, store.NodeTag);
            return path;
        }
        finally
        {
            decoders.Release();
        }
    }
}
