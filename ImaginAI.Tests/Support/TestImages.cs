using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SkiaSharp;

namespace ImaginAI.Tests.Support;

/// <summary>
/// Image files made at test time, byte by byte where SkiaSharp cannot write the format (PNG variants, GIF, BMP,
/// EXIF segments), so every decoder path is exercised on a file whose exact contents the test knows.
/// The "quadrants" scene is the same everywhere: red top-left, green top-right, blue bottom-left, yellow bottom-right.
/// </summary>
public static class TestImages
{
    public static readonly SKColor Red = new(220, 30, 30);
    public static readonly SKColor Green = new(30, 200, 60);
    public static readonly SKColor Blue = new(40, 60, 210);
    public static readonly SKColor Yellow = new(240, 220, 40);

    /// <summary>The quadrant colour expected at upright pixel (x, y) of a width × height quadrant scene.</summary>
    public static SKColor QuadrantColor(int x, int y, int width, int height) =>
        (x < width / 2, y < height / 2) switch
        {
            (true, true) => Red,
            (false, true) => Green,
            (true, false) => Blue,
            _ => Yellow,
        };

    /// <summary>The quadrant scene as an opaque RGBA bitmap.</summary>
    public static SKBitmap Quadrants(int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                bitmap.SetPixel(x, y, QuadrantColor(x, y, width, height));
        return bitmap;
    }

    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality = 95)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality) ?? throw new InvalidOperationException($"SkiaSharp cannot encode {format}.");
        return data.ToArray();
    }

    public static byte[] QuadrantsJpeg(int width, int height)
    {
        using var bitmap = Quadrants(width, height);
        return Encode(bitmap, SKEncodedImageFormat.Jpeg);
    }

    public static byte[] QuadrantsWebp(int width, int height)
    {
        using var bitmap = Quadrants(width, height);
        return Encode(bitmap, SKEncodedImageFormat.Webp);
    }

    /// <summary>A single-channel JPEG: left half dark grey (40), right half light grey (210).</summary>
    public static byte[] GrayscaleJpeg(int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(40, 40, 40));
            using var paint = new SKPaint { Color = new SKColor(210, 210, 210) };
            canvas.DrawRect(width / 2, 0, width - width / 2, height, paint);
        }
        return Encode(bitmap, SKEncodedImageFormat.Jpeg);
    }

    // ---------------------------------------------------------------- PNG, written chunk by chunk

    /// <summary>8-bit RGB PNG of the quadrant scene.</summary>
    public static byte[] QuadrantsPng(int width, int height) =>
        Png(width, height, bitDepth: 8, colorType: 2, (x, y, row, i) =>
        {
            var c = QuadrantColor(x, y, width, height);
            row[i] = c.Red; row[i + 1] = c.Green; row[i + 2] = c.Blue;
            return 3;
        });

    /// <summary>8-bit grayscale PNG: left half 40, right half 210.</summary>
    public static byte[] GrayscalePng(int width, int height) =>
        Png(width, height, bitDepth: 8, colorType: 0, (x, _, row, i) =>
        {
            row[i] = (byte)(x < width / 2 ? 40 : 210);
            return 1;
        });

    /// <summary>Palette PNG (colour type 3) whose four palette entries are the quadrant colours.</summary>
    public static byte[] PalettePng(int width, int height)
    {
        SKColor[] palette = [Red, Green, Blue, Yellow];
        var plte = palette.SelectMany(c => new[] { c.Red, c.Green, c.Blue }).ToArray();
        return Png(width, height, bitDepth: 8, colorType: 3, (x, y, row, i) =>
        {
            row[i] = (byte)Array.IndexOf(palette, QuadrantColor(x, y, width, height));
            return 1;
        }, ("PLTE", plte));
    }

    /// <summary>
    /// 16-bit RGB PNG of the quadrant scene. Each sample's low byte is 0x5A so that a decoder reading the wrong byte
    /// of the big-endian pair gets visibly wrong colours.
    /// </summary>
    public static byte[] Rgb16Png(int width, int height) =>
        Png(width, height, bitDepth: 16, colorType: 2, (x, y, row, i) =>
        {
            var c = QuadrantColor(x, y, width, height);
            foreach (var sample in new[] { c.Red, c.Green, c.Blue })
            {
                row[i++] = sample;
                row[i++] = 0x5A;
            }
            return 6;
        });

    /// <summary>
    /// RGBA PNG in three vertical bands: fully transparent black, opaque red, half-transparent blue (alpha 128).
    /// </summary>
    public static byte[] TransparentPng(int width, int height) =>
        Png(width, height, bitDepth: 8, colorType: 6, (x, _, row, i) =>
        {
            (byte r, byte g, byte b, byte a) px = (x * 3 / width) switch
            {
                0 => (0, 0, 0, 0),
                1 => (255, 0, 0, 255),
                _ => (0, 0, 255, 128),
            };
            row[i] = px.r; row[i + 1] = px.g; row[i + 2] = px.b; row[i + 3] = px.a;
            return 4;
        });

    /// <summary>8-bit RGB noise: compresses badly, so cutting it in half really cuts the pixel data.</summary>
    public static byte[] NoisePng(int width, int height, int seed = 7)
    {
        var random = new Random(seed);
        return Png(width, height, bitDepth: 8, colorType: 2, (_, _, row, i) =>
        {
            random.NextBytes(row.AsSpan(i, 3));
            return 3;
        });
    }

    /// <summary>
    /// A valid PNG whose header claims <paramref name="width"/> × <paramref name="height"/> (60000² = 3.6 GP, 14 GB as
    /// RGBA) with only a few rows of real compressed data: a decompression bomb in a few hundred bytes.
    /// </summary>
    public static byte[] PngBomb(int width = 60000, int height = 60000)
    {
        var rows = new byte[4 * (1 + width * 3)];
        return PngFile(width, height, bitDepth: 8, colorType: 2, Deflate(rows));
    }

    private delegate int PixelWriter(int x, int y, byte[] row, int offset);

    private static byte[] Png(int width, int height, int bitDepth, int colorType, PixelWriter writePixel,
        params (string Type, byte[] Data)[] extraChunks)
    {
        var raw = new MemoryStream();
        var row = new byte[width * 8];
        for (var y = 0; y < height; y++)
        {
            var length = 0;
            for (var x = 0; x < width; x++) length += writePixel(x, y, row, length);
            raw.WriteByte(0); // filter: none
            raw.Write(row, 0, length);
        }
        return PngFile(width, height, bitDepth, colorType, Deflate(raw.ToArray()), extraChunks);
    }

    private static byte[] PngFile(int width, int height, int bitDepth, int colorType, byte[] idat,
        params (string Type, byte[] Data)[] extraChunks)
    {
        var file = new MemoryStream();
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = (byte)colorType;
        WriteChunk(file, "IHDR", ihdr);
        foreach (var (type, data) in extraChunks) WriteChunk(file, type, data);
        WriteChunk(file, "IDAT", idat);
        WriteChunk(file, "IEND", []);
        return file.ToArray();
    }

    private static void WriteChunk(Stream file, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        file.Write(word);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        file.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
        file.Write(word);
    }

    private static byte[] Deflate(byte[] raw)
    {
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(raw);
        return compressed.ToArray();
    }

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>The CRC-32 PNG chunks carry (ISO 3309; the BCL has none without the System.IO.Hashing package).</summary>
    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc ^ 0xFFFFFFFFu;
    }

    // ---------------------------------------------------------------- BMP and GIF, which SkiaSharp cannot encode

    /// <summary>24-bit bottom-up BMP of the quadrant scene.</summary>
    public static byte[] QuadrantsBmp(int width, int height)
    {
        var stride = (width * 3 + 3) & ~3;
        var file = new byte[54 + stride * height];
        "BM"u8.CopyTo(file);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(2), file.Length);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(34), stride * height);
        for (var y = 0; y < height; y++)
        {
            var rowStart = 54 + (height - 1 - y) * stride;
            for (var x = 0; x < width; x++)
            {
                var c = QuadrantColor(x, y, width, height);
                file[rowStart + x * 3] = c.Blue;
                file[rowStart + x * 3 + 1] = c.Green;
                file[rowStart + x * 3 + 2] = c.Red;
            }
        }
        return file;
    }

    /// <summary>A GIF of the quadrant scene (one frame).</summary>
    public static byte[] QuadrantsGif(int width, int height)
    {
        SKColor[] palette = [Red, Green, Blue, Yellow];
        var indices = new byte[width * height];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                indices[y * width + x] = (byte)Array.IndexOf(palette, QuadrantColor(x, y, width, height));
        return Gif(width, height, palette, [indices]);
    }

    /// <summary>An endlessly looping two-frame GIF: the first frame all <paramref name="first"/>, the second all <paramref name="second"/>.</summary>
    public static byte[] AnimatedGif(int width, int height, SKColor first, SKColor second)
    {
        var frame0 = new byte[width * height];
        var frame1 = Enumerable.Repeat((byte)1, width * height).ToArray();
        return Gif(width, height, [first, second], [frame0, frame1]);
    }

    private static byte[] Gif(int width, int height, SKColor[] palette, byte[][] frames)
    {
        var file = new MemoryStream();
        file.Write("GIF89a"u8);
        WriteLe16(file, width);
        WriteLe16(file, height);
        file.Write([0xF7, 0, 0]); // global colour table of 256 entries, background 0, square pixels
        for (var i = 0; i < 256; i++)
        {
            var c = i < palette.Length ? palette[i] : SKColors.Black;
            file.Write([c.Red, c.Green, c.Blue]);
        }
        if (frames.Length > 1)
        {
            file.Write([0x21, 0xFF, 0x0B]);
            file.Write("NETSCAPE2.0"u8);
            file.Write([0x03, 0x01, 0x00, 0x00, 0x00]);
        }
        foreach (var frame in frames)
        {
            file.Write([0x21, 0xF9, 0x04, 0x04, 10, 0, 0, 0]); // graphic control: keep frame, 100 ms, no transparency
            file.WriteByte(0x2C);
            WriteLe16(file, 0);
            WriteLe16(file, 0);
            WriteLe16(file, width);
            WriteLe16(file, height);
            file.WriteByte(0); // no local colour table, not interlaced
            file.WriteByte(8); // LZW minimum code size
            var lzw = LzwLiterals(frame);
            for (var offset = 0; offset < lzw.Length; offset += 255)
            {
                var length = Math.Min(255, lzw.Length - offset);
                file.WriteByte((byte)length);
                file.Write(lzw, offset, length);
            }
            file.WriteByte(0);
        }
        file.WriteByte(0x3B);
        return file.ToArray();
    }

    /// <summary>
    /// GIF LZW data that only ever emits literal codes, with a clear code often enough that the code width stays at
    /// 9 bits: valid for every decoder, no compression needed.
    /// </summary>
    private static byte[] LzwLiterals(byte[] indices)
    {
        const int clear = 256, end = 257;
        var output = new List<byte>();
        int buffer = 0, bits = 0;
        void Emit(int code)
        {
            buffer |= code << bits;
            bits += 9;
            while (bits >= 8)
            {
                output.Add((byte)buffer);
                buffer >>= 8;
                bits -= 8;
            }
        }
        for (var i = 0; i < indices.Length; i++)
        {
            if (i % 200 == 0) Emit(clear);
            Emit(indices[i]);
        }
        Emit(end);
        if (bits > 0) output.Add((byte)buffer);
        return output.ToArray();
    }

    private static void WriteLe16(Stream stream, int value) => stream.Write([(byte)value, (byte)(value >> 8)]);

    // ---------------------------------------------------------------- EXIF

    /// <summary>What to put in a hand-built EXIF segment; null fields are left out.</summary>
    public sealed record Exif(
        int? Orientation = null,
        string? DateTimeOriginal = null,
        string? OffsetTimeOriginal = null,
        double? Latitude = null,
        double? Longitude = null);

    /// <summary>Inserts an APP1 EXIF segment right after the JPEG's start-of-image marker.</summary>
    public static byte[] WithExif(byte[] jpeg, Exif exif) => WithApp1(jpeg, ExifPayload(exif));

    /// <summary>Inserts an APP1 segment with the given payload (starting with "Exif\0\0") after the start-of-image marker.</summary>
    public static byte[] WithApp1(byte[] jpeg, byte[] payload)
    {
        if (jpeg[0] != 0xFF || jpeg[1] != 0xD8) throw new ArgumentException("Not a JPEG.", nameof(jpeg));
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(2 + payload.Length));
        payload.CopyTo(segment, 4);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    /// <summary>A little-endian TIFF structure: IFD0 (orientation, pointers), the EXIF IFD (dates) and the GPS IFD.</summary>
    private static byte[] ExifPayload(Exif exif)
    {
        var ifd0 = new List<TiffEntry>();
        var exifIfd = new List<TiffEntry>();
        var gpsIfd = new List<TiffEntry>();
        if (exif.Orientation is { } orientation) ifd0.Add(TiffEntry.Short(0x0112, (ushort)orientation));
        if (exif.DateTimeOriginal is { } taken) exifIfd.Add(TiffEntry.Ascii(0x9003, taken));
        if (exif.OffsetTimeOriginal is { } offset) exifIfd.Add(TiffEntry.Ascii(0x9011, offset));
        if (exif.Latitude is { } lat)
        {
            gpsIfd.Add(TiffEntry.Ascii(0x0001, lat >= 0 ? "N" : "S"));
            gpsIfd.Add(TiffEntry.Degrees(0x0002, Math.Abs(lat)));
        }
        if (exif.Longitude is { } lon)
        {
            gpsIfd.Add(TiffEntry.Ascii(0x0003, lon >= 0 ? "E" : "W"));
            gpsIfd.Add(TiffEntry.Degrees(0x0004, Math.Abs(lon)));
        }

        // Layout: header (8) | IFD0 | EXIF IFD | GPS IFD | out-of-line values
        var ifd0Count = ifd0.Count + (exifIfd.Count > 0 ? 1 : 0) + (gpsIfd.Count > 0 ? 1 : 0);
        static int IfdSize(int entries) => 2 + entries * 12 + 4;
        var exifIfdOffset = 8 + IfdSize(ifd0Count);
        var gpsIfdOffset = exifIfdOffset + (exifIfd.Count > 0 ? IfdSize(exifIfd.Count) : 0);
        var valuesOffset = gpsIfdOffset + (gpsIfd.Count > 0 ? IfdSize(gpsIfd.Count) : 0);
        if (exifIfd.Count > 0) ifd0.Add(TiffEntry.Long(0x8769, (uint)exifIfdOffset));
        if (gpsIfd.Count > 0) ifd0.Add(TiffEntry.Long(0x8825, (uint)gpsIfdOffset));

        var tiff = new MemoryStream();
        tiff.Write("II*\0"u8);
        tiff.Write(BitConverter.GetBytes(8u));
        var values = new MemoryStream();
        foreach (var ifd in new[] { ifd0, exifIfd, gpsIfd }.Where(i => i.Count > 0))
        {
            tiff.Write(BitConverter.GetBytes((ushort)ifd.Count));
            foreach (var entry in ifd.OrderBy(e => e.Tag))
            {
                tiff.Write(BitConverter.GetBytes(entry.Tag));
                tiff.Write(BitConverter.GetBytes(entry.Type));
                tiff.Write(BitConverter.GetBytes(entry.Count));
                if (entry.Value.Length <= 4)
                {
                    tiff.Write(entry.Value);
                    tiff.Write(new byte[4 - entry.Value.Length]);
                }
                else
                {
                    tiff.Write(BitConverter.GetBytes((uint)(valuesOffset + values.Length)));
                    values.Write(entry.Value);
                    if (values.Length % 2 == 1) values.WriteByte(0);
                }
            }
            tiff.Write(BitConverter.GetBytes(0u)); // no next IFD
        }
        values.Position = 0;
        values.CopyTo(tiff);
        return [.. "Exif\0\0"u8, .. tiff.ToArray()];
    }

    private sealed record TiffEntry(ushort Tag, ushort Type, uint Count, byte[] Value)
    {
        public static TiffEntry Short(ushort tag, ushort value) => new(tag, 3, 1, BitConverter.GetBytes(value));
        public static TiffEntry Long(ushort tag, uint value) => new(tag, 4, 1, BitConverter.GetBytes(value));

        public static TiffEntry Ascii(ushort tag, string text)
        {
            var bytes = Encoding.ASCII.GetBytes(text + "\0");
            return new(tag, 2, (uint)bytes.Length, bytes);
        }

        /// <summary>Degrees, minutes, seconds as three unsigned rationals, seconds to 1/10000.</summary>
        public static TiffEntry Degrees(ushort tag, double value)
        {
            var degrees = Math.Floor(value);
            var minutes = Math.Floor((value - degrees) * 60);
            var seconds = ((value - degrees) * 60 - minutes) * 60;
            uint[] rationals = [(uint)degrees, 1, (uint)minutes, 1, (uint)Math.Round(seconds * 10000), 10000];
            return new(tag, 5, 3, rationals.SelectMany(BitConverter.GetBytes).ToArray());
        }
    }

    // ---------------------------------------------------------------- orientation

    /// <summary>
    /// The stored image that a viewer honouring EXIF <paramref name="orientation"/> shows as <paramref name="upright"/>.
    /// Written from the EXIF definitions of where the stored row 0 and column 0 appear (e.g. 6: row 0 is the right
    /// side, column 0 the top), independently of the decoder's transform.
    /// </summary>
    public static SKBitmap StoredForOrientation(SKBitmap upright, int orientation)
    {
        var (w, h) = (upright.Width, upright.Height);
        var swap = orientation >= 5;
        var stored = new SKBitmap(new SKImageInfo(swap ? h : w, swap ? w : h, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var source = ToRgba(upright);
        var target = new byte[stored.Width * stored.Height * 4];
        for (var sy = 0; sy < stored.Height; sy++)
            for (var sx = 0; sx < stored.Width; sx++)
            {
                var (x, y) = orientation switch
                {
                    2 => (w - 1 - sx, sy),
                    3 => (w - 1 - sx, h - 1 - sy),
                    4 => (sx, h - 1 - sy),
                    5 => (sy, sx),
                    6 => (w - 1 - sy, sx),
                    7 => (w - 1 - sy, h - 1 - sx),
                    8 => (sy, h - 1 - sx),
                    _ => (sx, sy),
                };
                Array.Copy(source, (y * w + x) * 4, target, (sy * stored.Width + sx) * 4, 4);
            }
        System.Runtime.InteropServices.Marshal.Copy(target, 0, stored.GetPixels(), target.Length);
        return stored;
    }

    // ---------------------------------------------------------------- not photos

    /// <summary>The start of an iPhone HEIC: an ISO-BMFF ftyp box with brand "heic", then a meta box.</summary>
    public static byte[] HeicLike()
    {
        var file = new MemoryStream();
        file.Write([0, 0, 0, 0x18]);
        file.Write("ftypheic"u8);
        file.Write([0, 0, 0, 0]);
        file.Write("mif1heic"u8);
        file.Write([0, 0, 0, 0x22]);
        file.Write("meta"u8);
        file.Write(new byte[26]);
        return file.ToArray();
    }

    public static byte[] TextRenamedJpg() =>
        Encoding.UTF8.GetBytes("Site visit notes, block C: scaffolding up on the north side, pour scheduled Friday.\n");

    public static byte[] PdfStart() => Encoding.ASCII.GetBytes("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n");

    public static byte[] TiffStart() => [.. "II*\0"u8, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    public static byte[] Svg() => Encoding.UTF8.GetBytes(
        """<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>""");

    /// <summary>
    /// A JPEG's header up to and including its start-of-scan segment, then random bytes (as many as its compressed
    /// data) and an end marker: what libjpeg decodes into a grey or noisy picture with only warnings.
    /// </summary>
    public static byte[] GarbageAfterJpegHeader(byte[] jpeg, int seed = 42)
    {
        var sos = 2;
        while (!(jpeg[sos] == 0xFF && jpeg[sos + 1] == 0xDA)) sos++;
        var headerEnd = sos + 2 + (jpeg[sos + 2] << 8 | jpeg[sos + 3]);
        return [.. jpeg[..headerEnd], .. RandomBytes(jpeg.Length - headerEnd, seed), 0xFF, 0xD9];
    }

    /// <summary>
    /// The JPEG with a share of its compressed data, from the middle, overwritten by random bytes that hold no marker
    /// (0xFF is never written): every segment and the end marker stay intact, as after a bad sector or a cut-off
    /// transfer patched by a tool. libjpeg decodes it with warnings only.
    /// </summary>
    public static byte[] DamagedEntropyData(byte[] jpeg, double share, int seed = 42)
    {
        var sos = 2;
        while (!(jpeg[sos] == 0xFF && jpeg[sos + 1] == 0xDA)) sos++;
        var dataStart = sos + 2 + (jpeg[sos + 2] << 8 | jpeg[sos + 3]);
        var dataEnd = jpeg.Length - 2;
        while (!(jpeg[dataEnd] == 0xFF && jpeg[dataEnd + 1] == 0xD9)) dataEnd--;
        var damaged = (byte[])jpeg.Clone();
        var length = (int)((dataEnd - dataStart) * share);
        var from = dataStart + (dataEnd - dataStart - length) / 2;
        var random = new Random(seed);
        for (var i = from; i < from + length; i++)
        {
            // Markers inside the data (restarts) are kept, so only the coded bits are damaged.
            if (jpeg[i] == 0xFF || (i > 0 && jpeg[i - 1] == 0xFF)) continue;
            damaged[i] = (byte)random.Next(0, 0xFF);
        }
        return damaged;
    }

    public static byte[] RandomBytes(int length, int seed = 42)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        bytes[0] = 0x4B; // not 0x00: a leading zero pair is WBMP's (very loose) signature
        return bytes;
    }

    /// <summary>A CMYK JPEG (Adobe, inverted) of the quadrant scene, generated once: see Fixtures/README.md.</summary>
    public static byte[] CmykJpeg() => File.ReadAllBytes(Path.Combine(RepoRoot.Path, "ImaginAI.Tests", "Fixtures", "cmyk-quadrants.jpg"));

    // ---------------------------------------------------------------- comparisons

    /// <summary>The pixels as tightly packed RGBA bytes, whatever the bitmap's own layout.</summary>
    public static byte[] ToRgba(SKBitmap bitmap)
    {
        var info = new SKImageInfo(bitmap.Width, bitmap.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var pixels = new byte[info.BytesSize];
        var pin = System.Runtime.InteropServices.GCHandle.Alloc(pixels, System.Runtime.InteropServices.GCHandleType.Pinned);
        try
        {
            using var pixmap = bitmap.PeekPixels();
            if (!pixmap.ReadPixels(info, pin.AddrOfPinnedObject(), info.RowBytes, 0, 0))
                throw new InvalidOperationException("Could not read pixels.");
        }
        finally
        {
            pin.Free();
        }
        return pixels;
    }

    /// <summary>Mean absolute difference of the R, G and B channels (0–255) of two bitmaps of the same size.</summary>
    public static double MeanAbsoluteDifference(SKBitmap a, SKBitmap b)
    {
        if (a.Width != b.Width || a.Height != b.Height)
            throw new ArgumentException($"Sizes differ: {a.Width}×{a.Height} vs {b.Width}×{b.Height}.");
        var (pa, pb) = (ToRgba(a), ToRgba(b));
        long sum = 0;
        for (var i = 0; i < pa.Length; i += 4)
            sum += Math.Abs(pa[i] - pb[i]) + Math.Abs(pa[i + 1] - pb[i + 1]) + Math.Abs(pa[i + 2] - pb[i + 2]);
        return sum / (pa.Length / 4 * 3.0);
    }

    /// <summary>The bitmap resized with high-quality sampling (mipmaps for strong reductions).</summary>
    public static SKBitmap Resized(SKBitmap bitmap, int width, int height) =>
        bitmap.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque),
            new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
}
