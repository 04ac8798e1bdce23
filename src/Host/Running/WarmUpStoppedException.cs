namespace RnnStream.Host.Running;

/// <summary>A run asked to stop while a socket feed's warm-up was held: nothing was forecast or kept, and stopping is not a failure (exit 0).</summary>
internal sealed class WarmUpStoppedException(string message) : Exception(message);
