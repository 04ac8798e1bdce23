namespace RnnStream.Host.Tests.Persistence;

/// <summary>The committed data directories of earlier formats (DataDirectoryFixtures/README.md), copied where a test may change them.</summary>
internal static class DataDirectoryFixture
{
    /// <summary>Copies the fixture's state and predictions file into <paramref name="directory"/>.</summary>
    public static (string State, string Predictions) CopyTo(string fixture, string directory)
    {
        string source = Path.Combine(RepositoryPaths.Root, "tests", "RnnStream.Host.Tests", "Persistence", "DataDirectoryFixtures", fixture);
        string state = Path.Combine(directory, "state"), predictions = Path.Combine(directory, "predictions.csv");
        Directory.CreateDirectory(state);
        foreach (var file in Directory.GetFiles(Path.Combine(source, "state"))) File.Copy(file, Path.Combine(state, Path.GetFileName(file)));
        File.Copy(Path.Combine(source, "predictions.csv"), predictions);
        return (state, predictions);
    }
}
