using System.Buffers;

namespace RnnStream.Feeds.Sources;

/// <summary>
/// Lines in UTF-8 on their way to a socket of this node, in an array rented from
/// <see cref="ArrayPool{T}.Shared"/>: whoever writes them returns it (<see cref="Written"/>). One
/// dropped unwritten (a client that reads too slowly loses its oldest) is left to the collector.
/// Never sent to another node: it is a pooled object (DESIGN.md).
/// </summary>
internal sealed class RentedLines(byte[] rented, int length)
{
    public ReadOnlyMemory<byte> Bytes { get; } = rented.AsMemory(0, length);

    public void Written() => ArrayPool<byte>.Shared.Return(rented);
}
