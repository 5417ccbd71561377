namespace ImaginAI.Tracker.Timelapse;

/// <summary>
/// Collects what a synchronous writer (ZipArchive writes its headers synchronously) puts into it, and passes it on to
/// the response asynchronously at each <see cref="DrainAsync"/>: Kestrel refuses synchronous writes, and only one
/// entry's bytes are held at a time.
/// </summary>
internal sealed class DrainedStream(Stream target) : Stream
{
    private readonly MemoryStream pending = new();
    private long written;

    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        if (pending.Length == 0) return;
        pending.Position = 0;
        await pending.CopyToAsync(target, cancellationToken);
        pending.SetLength(0);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        pending.Write(buffer);
        written += buffer.Length;
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => written;
    public override long Position { get => written; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) pending.Dispose();
        base.Dispose(disposing);
    }
}
