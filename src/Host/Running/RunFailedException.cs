namespace RnnStream.Host.Running;

/// <summary>A run that stopped on an error of its own (a failing output, a feed that broke): reported in one line with what the durable state allows, exit code 1.</summary>
internal sealed class RunFailedException(string message, Exception inner) : Exception(message, inner);
