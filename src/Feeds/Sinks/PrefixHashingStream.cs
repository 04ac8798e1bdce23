using System.Security.Cryptography;

namespace RnnStream.Feeds.Sinks;

/// <summary>
/// A file opened to continue a committed output: cut back to the committed length, with the
/// SHA-256 of everything in it kept current as bytes are written, so a checkpoint can record the
/// hash of exactly the prefix it commits without reading the file again.
/// </summary>
public sealed class PrefixHashingStream : Stream
{
    private readonly FileStream _file;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    private PrefixHashingStream(FileStream file) => _file = file;

    /// <summary>
    /// Opens (or creates) <paramref name="path"/>, hashes its first <paramref name="committedLength"/>
    /// bytes, drops the rest (whatever a crash left after the last checkpoint) and positions at the end.
    /// </summary>
    public static PrefixHashingStream Continue(string path, long committedLength)
    {
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 1 << 16);
        try
        {
            if (file.Length < committedLength)
                throw new InvalidDataException($"'{path}' has {file.Length} bytes, less than the {committedLength} the last checkpoint committed");
            var stream = new PrefixHashingStream(file);
            HashPrefix(file, committedLength, stream._hash);
            file.SetLength(committedLength);
            file.Seek(0, SeekOrigin.End);
            return stream;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The SHA-256 of the first <paramref name="length"/> bytes of <paramref name="path"/> (which must have them).</summary>
    public static byte[] HashOf(string path, long length)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1 << 16);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        HashPrefix(file, length, hash);
        return hash.GetHashAndReset();
    }

    private static void HashPrefix(FileStream file, long length, IncrementalHash hash)
    {
        var buffer = new byte[1 << 16];
        file.Seek(0, SeekOrigin.Begin);
        for (long left = length; left > 0;)
        {
            int read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0) throw new EndOfStreamException($"'{file.Name}' ended at byte {length - left} while its first {length} bytes were read");
            hash.AppendData(buffer, 0, read);
            left -= read;
        }
    }

    /// <summary>The hash of everything in the file so far (written bytes only count once flushed to this stream).</summary>
    public byte[] CurrentSha256() => _hash.GetCurrentHash();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _file.Write(buffer);
        _hash.AppendData(buffer);
    }

    public override void Flush() => _file.Flush();
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _file.Length;
    public override long Position { get => _file.Position; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
            _hash.Dispose();
        }
        base.Dispose(disposing);
    }
}
