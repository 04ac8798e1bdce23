namespace RnnStream.Host.Running;

/// <summary>
/// One writer per data directory and per output file: before a run opens or truncates anything it
/// takes an exclusive lock (an OS file lock, released when the process ends, however it ends) on
/// <c>DIR/.rnnstream.lock</c> and on <c>FILE.lock</c> beside each output. A second run on any of
/// them stops at once with the name of what is in use, having touched nothing.
/// </summary>
internal sealed class RunLocks : IDisposable
{
    private readonly List<(FileStream Lock, string Path)> _held = [];

    private RunLocks() { }

    /// <exception cref="ResourceInUseException">Another process holds one of the locks; none is kept.</exception>
    public static RunLocks Acquire(string? dataDirectory, IEnumerable<string?> outputs)
    {
        var locks = new RunLocks();
        try
        {
            if (dataDirectory is not null)
            {
                Directory.CreateDirectory(dataDirectory);
                locks.Take(Path.Combine(dataDirectory, ".rnnstream.lock"), $"data directory '{dataDirectory}'");
            }
            foreach (var output in outputs.OfType<string>().Distinct().Where(o => !DevicePath.Is(o)))
            {
                if (Path.GetDirectoryName(Path.GetFullPath(output)) is { } folder) Directory.CreateDirectory(folder);
                locks.Take(output + ".lock", $"output '{output}'");
            }
            return locks;
        }
        catch
        {
            locks.Dispose();
            throw;
        }
    }

    private void Take(string lockPath, string what)
    {
        try
        {
            var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            _held.Add((stream, lockPath));
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new ResourceInUseException($"{what} is in use by another rnnstream run (lock {lockPath}); nothing was changed");
        }
        catch (UnauthorizedAccessException)
        {
            throw new ResourceInUseException($"{what} cannot be locked: no permission to write {lockPath}; nothing was changed");
        }
    }

    public void Dispose()
    {
        foreach (var (stream, path) in _held)
        {
            stream.Dispose();
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // Another run took it the moment it was released; the file is theirs now.
            }
        }
        _held.Clear();
    }
}
