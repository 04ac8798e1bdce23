namespace RnnStream.Host.Running;

/// <summary>
/// Space left under a data directory. The store's plugins initialize their tables on their own
/// thread, and a full disk there only shows as a stack trace in the log and a recovery that never
/// answers; checking first turns it into one line.
/// </summary>
internal static class DiskSpace
{
    /// <summary>Less than this free and a run cannot even create its store, let alone checkpoint.</summary>
    public const long MinimumForAStore = 1 << 20;

    /// <summary>Bytes free to this process on the file system that holds <paramref name="path"/> (or its nearest existing parent); null if unknown.</summary>
    public static long? FreeUnder(string path)
    {
        var directory = new DirectoryInfo(Path.GetFullPath(path));
        while (directory is { Exists: false }) directory = directory.Parent;
        if (directory is null) return null;
        try
        {
            return new DriveInfo(directory.FullName).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
