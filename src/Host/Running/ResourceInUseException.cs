namespace RnnStream.Host.Running;

/// <summary>A data directory, output file or port that another process holds; the command ends with exit code 2 and this message.</summary>
internal sealed class ResourceInUseException(string message) : Exception(message);
