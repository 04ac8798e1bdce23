namespace RnnStream.Model.Weights;

/// <summary>
/// FNV-1a, the one hash whose values this project writes down: the weights file's checksum (64-bit,
/// over bytes) and the series id → key group mapping (32-bit, over UTF-16 units), on which the
/// layout of durable state depends. Unlike string.GetHashCode it is the same in every process and
/// runtime, so neither may ever change.
/// </summary>
public static class Fnv1a
{
    public static ulong Hash64(ReadOnlySpan<byte> bytes)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in bytes)
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return hash;
    }

    public static uint Hash32(ReadOnlySpan<char> text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash ^= c;
            hash *= 16777619;
        }
        return hash;
    }
}
