using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;

namespace RnnStream.Feeds.Sinks;

/// <summary>
/// Writes elements as text lines to a writer it owns, pulling one element at a time (so a slow
/// disk backpressures the stream). The materialized task completes once everything is flushed and
/// closed, and fails if writing failed; it closes the writer on failure too. Given a flush interval,
/// it flushes what it wrote since the last flush that often, so a reader (<c>tail -f</c>) sees lines
/// while the run goes on, not only at checkpoints and at the end.
/// </summary>
public static class TextFileSink
{
    /// <param name="commits">Answers checkpoints' questions about where the output stands; null when nobody asks.</param>
    /// <param name="flushEvery">How often what was written goes to the file; null: only at checkpoints and the end.</param>
    /// <param name="countOf">How many of the things checkpoints count (predictions) an element holds; null: one each.</param>
    /// <param name="written">Called with each element once it is written and counted, and nothing here reads it again (to give a batch back to its pool).</param>
    public static Sink<T, Task> Create<T>(Func<TextWriter> open, Action<T, TextWriter> write, string? header = null, OutputCommits? commits = null, TimeSpan? flushEvery = null,
        Func<T, int>? countOf = null, Action<T>? written = null) =>
        Sink.FromGraph(new WriterStage<T>(open, write, header, commits, flushEvery, countOf, written));

    public static Sink<T, Task> ToFile<T>(string path, Action<T, TextWriter> write, string? header = null, bool append = false, TimeSpan? flushEvery = null, Func<T, int>? countOf = null,
        Action<T>? written = null) =>
        Create(() =>
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null) Directory.CreateDirectory(directory);
            return new StreamWriter(path, append, new System.Text.UTF8Encoding(false), bufferSize: 1 << 16);
        }, write, append && File.Exists(path) && new FileInfo(path).Length > 0 ? null : header, flushEvery: flushEvery, countOf: countOf, written: written);

    /// <summary>
    /// A file that continues a committed output: cut back to <paramref name="committedLength"/>
    /// bytes (whatever a crash left after the last checkpoint goes), then appended to; the header
    /// only if nothing was committed. Checkpoints learn its length and the hash of what it holds
    /// through <paramref name="commits"/>.
    /// </summary>
    public static Sink<T, Task> Continuing<T>(string path, Action<T, TextWriter> write, string? header, long committedLength, OutputCommits commits, TimeSpan? flushEvery = null,
        Func<T, int>? countOf = null, Action<T>? written = null) =>
        Create(() =>
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null) Directory.CreateDirectory(directory);
            return new StreamWriter(PrefixHashingStream.Continue(path, committedLength), new System.Text.UTF8Encoding(false), bufferSize: 1 << 16);
        }, write, committedLength == 0 ? header : null, commits, flushEvery, countOf, written);

    private sealed class WriterStage<T>(Func<TextWriter> open, Action<T, TextWriter> write, string? header, OutputCommits? commits, TimeSpan? flushEvery, Func<T, int>? countOf,
        Action<T>? written) : GraphStageWithMaterializedValue<SinkShape<T>, Task>
    {
        private readonly Inlet<T> _in = new("text-file.in");
        public Func<TextWriter> Open { get; } = open;
        public Action<T, TextWriter> Write { get; } = write;
        public string? Header { get; } = header;
        public OutputCommits? Commits { get; } = commits;
        public TimeSpan? FlushEvery { get; } = flushEvery;
        public Func<T, int>? CountOf { get; } = countOf;
        public Action<T>? Written { get; } = written;
        public override SinkShape<T> Shape => new(_in);

        public override ILogicAndMaterializedValue<Task> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return new LogicAndMaterializedValue<Task>(new Logic(this, done), done.Task);
        }

        private sealed class Logic : TimerGraphStageLogic
        {
            private readonly WriterStage<T> _stage;
            private readonly TaskCompletionSource _done;
            private TextWriter? _writer;
            private long _written;
            private bool _unflushed;

            public Logic(WriterStage<T> stage, TaskCompletionSource done) : base(stage.Shape)
            {
                _stage = stage;
                _done = done;
                SetHandler(stage._in, onPush: OnPush, onUpstreamFinish: Finish, onUpstreamFailure: Fail);
            }

            public override void PreStart()
            {
                try
                {
                    _writer = _stage.Open();
                    if (_stage.Header is not null) _writer.WriteLine(_stage.Header);
                    if (_stage.Commits is { } commits)
                    {
                        _written = commits.Initial;
                        var answer = GetAsyncCallback(AnswerCommits);
                        commits.OnRequest(() => answer());
                        AnswerCommits();
                    }
                    if (_stage.FlushEvery is { } every) ScheduleRepeatedly("flush", every);
                    Pull(_stage._in);
                }
                catch (Exception e)
                {
                    Fail(e);
                }
            }

            private void OnPush()
            {
                try
                {
                    AnswerCommits();
                    var element = Grab(_stage._in);
                    _stage.Write(element, _writer!);
                    _written += _stage.CountOf?.Invoke(element) ?? 1;
                    _stage.Written?.Invoke(element);
                    _unflushed = true;
                    Pull(_stage._in);
                }
                catch (Exception e)
                {
                    Fail(e);
                }
            }

            protected override void OnTimer(object timerKey)
            {
                if (!_unflushed) return;
                try
                {
                    _writer!.Flush();
                    _unflushed = false;
                }
                catch (Exception e)
                {
                    Fail(e);
                }
            }

            private void AnswerCommits() => _stage.Commits?.Answer(_written, () =>
            {
                _writer!.Flush();
                return _writer switch
                {
                    StreamWriter { BaseStream: PrefixHashingStream hashed } => new OutputMark(hashed.Position, hashed.CurrentSha256()),
                    StreamWriter { BaseStream: { CanSeek: true } stream } => new OutputMark(stream.Position, []),
                    _ => OutputMark.None,
                };
            });

            private void Finish()
            {
                try
                {
                    AnswerCommits();
                    _writer?.Flush();
                    _writer?.Dispose();
                    _done.TrySetResult();
                    CompleteStage();
                }
                catch (Exception e)
                {
                    _done.TrySetException(e);
                    FailStage(e);
                }
            }

            private void Fail(Exception cause)
            {
                try { _writer?.Dispose(); } catch (IOException) { }
                _done.TrySetException(cause);
                FailStage(cause);
            }

            public override void PostStop()
            {
                _stage.Commits?.Abandon(_done.Task.Exception?.GetBaseException());
                if (!_done.Task.IsCompleted)
                {
                    try { _writer?.Dispose(); } catch (IOException) { }
                    _done.TrySetException(new AbruptStageTerminationException(this));
                }
            }
        }
    }
}
