namespace RnnStream.Host.Tests;

/// <summary>A fresh directory under the system's temp folder for one test's files, removed with everything in it when the test is done.</summary>
internal sealed class ScratchDirectory(string purpose) : IDisposable
{
    public string Path { get; } = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"rnnstream-{purpose}-{Guid.NewGuid():N}")).FullName;

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
