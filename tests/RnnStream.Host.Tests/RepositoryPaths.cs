namespace RnnStream.Host.Tests;

internal static class RepositoryPaths
{
    /// <summary>The checkout's root (where RnnStream.sln is), found from the test's own location.</summary>
    public static string Root { get; } = FindRoot();

    public static string Config(string name) => Path.Combine(Root, "config", name);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "RnnStream.sln"))) return directory.FullName;
        throw new InvalidOperationException("RnnStream.sln not found above the test directory");
    }
}
