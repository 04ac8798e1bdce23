namespace RnnStream.Host.Running;

/// <summary>
/// An output named under /dev/ (/dev/stdout, /dev/full) is a device, not a file: it has no length
/// to cut back to, no folder to lock in, and no other run can truncate it.
/// </summary>
internal static class DevicePath
{
    public static bool Is(string path) => Path.GetFullPath(path).StartsWith("/dev/", StringComparison.Ordinal);
}
