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
                Prepare(dataDirectory, $"data directory '{dataDirectory}' (--data-dir, persistence.data-dir)");
                locks.Take(Path.Combine(dataDirectory, ".rnnstream.lock"), $"data directory '{dataDirectory}'");
            }
            foreach (var output in outputs.OfType<string>().Distinct().Where(o => !DevicePath.Is(o)))
            {
                if (Directory.Exists(output)) throw new ArgumentException($"output '{output}' is a directory; give a file name");
                if (Path.GetDirectoryName(Path.GetFullPath(output)) is { } folder) Prepare(folder, $"output '{output}'");
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

    /// <summary>The directory, made if it is missing; a file in its way, or a place that cannot hold one, is said in one line.</summary>
    private static void Prepare(string directory, string what)
    {
        for (string? step = Path.GetFullPath(directory); step is not null; step = Path.GetDirectoryName(step))
            if (File.Exists(step)) throw new ArgumentException($"{what}: '{step}' is a file, not a directory");
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{what}: cannot make the directory '{directory}': {e.Message}");
        }
    }

    private void Take(string lockPath, string what)
    {
        try
        {
            var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            _held.Add((stream, lockPath));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // A place that takes no new files (/proc, a vanished directory): no run holds it, it cannot be written at all.
            throw new ArgumentException($"{what} cannot be written there ({e.Message}); nothing was changed");
        }
        catch (IOException)
        {
            throw new ResourceInUseException($"{what} is in use by another rnnstream run (lock {lockPath}); nothing was changed");
        }
        catch (UnauthorizedAccessException)
        {
            throw new ArgumentException($"{what} cannot be written: no permission to write {lockPath}; nothing was changed");
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
