using System.Collections.Concurrent;

namespace RnnStream.Feeds.Sinks;

/// <summary>
/// How a checkpoint learns where the output stood at its cut: it asks for the byte length after
/// the first N elements, and the sink flushes exactly there (before it writes element N + 1) and
/// answers. A restart cuts the file back to that length, so nothing written after the last
/// checkpoint appears twice. The elements are what the sink counts (predictions, where the stream
/// brings them a batch at a time), so a cut can only fall between two of the stream's elements.
/// </summary>
public sealed class OutputCommits
{
    private readonly ConcurrentQueue<(long Count, TaskCompletionSource<OutputMark> Done)> _requests = new();
    private Action? _wake;

    /// <summary>Elements already in the output before this run (a resumed run continues the count).</summary>
    public long Initial { get; init; }

    /// <summary>
    /// Completes with the output's byte length and hash after its first <paramref name="count"/> elements
    /// (<see cref="OutputMark.None"/> when the output has no length, e.g. a socket), once they are flushed. Must be asked
    /// before element <paramref name="count"/> + 1 reaches the sink.
    /// </summary>
    public Task<OutputMark> FlushAt(long count)
    {
        var done = new TaskCompletionSource<OutputMark>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests.Enqueue((count, done));
        _wake?.Invoke();
        return done.Task;
    }

    /// <summary>The sink's side: called (from any thread) when a request arrives.</summary>
    public void OnRequest(Action wake) => _wake = wake;

    /// <summary>The sink's side: answers every request for <paramref name="written"/> elements or fewer.</summary>
    /// <param name="flush">Flushes and returns where the output stands.</param>
    public void Answer(long written, Func<OutputMark> flush)
    {
        OutputMark? mark = null;
        while (_requests.TryPeek(out var request) && request.Count <= written)
        {
            _requests.TryDequeue(out _);
            if (request.Count < written)
                request.Done.TrySetException(new InvalidOperationException($"the output was already past element {request.Count} ({written} written) when its commit was asked"));
            else request.Done.TrySetResult(mark ??= flush());
        }
    }

    /// <summary>The sink stopped: requests it can no longer answer fail.</summary>
    public void Abandon(Exception? cause)
    {
        while (_requests.TryDequeue(out var request))
            request.Done.TrySetException(cause ?? new InvalidOperationException("the output closed before this commit"));
    }
}
