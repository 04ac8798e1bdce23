namespace RnnStream.Host.Running;

/// <summary>A data directory or output file that another run holds; the command ends with exit code 2 and this message.</summary>
internal sealed class ResourceInUseException(string message) : Exception(message);
