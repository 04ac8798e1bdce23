using System.Text;
using Akka;
using Akka.IO;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using Akka.Streams;

namespace RnnStream.Feeds.Sources;

/// <summary>
/// Bytes to lines, newline-delimited, with a bound on line length. Unlike the stock framing, an
/// over-long line does not fail the stream: its first bytes are passed on with everything up to
/// the next newline dropped, padded past the limit so the parser rejects it as too long. Bytes the
/// stream ends on without a newline come last, marked as not terminated.
/// </summary>
public static class LineFraming
{
    public static Flow<ByteString, FramedLine, NotUsed> Lines(int maxLineLength) => Flow.FromGraph(new LineFramingStage(maxLineLength));

    private sealed class LineFramingStage(int maxLineLength) : GraphStage<FlowShape<ByteString, FramedLine>>
    {
        public int MaxLineLength { get; } = maxLineLength;
        private readonly Inlet<ByteString> _in = new("lines.in");
        private readonly Outlet<FramedLine> _out = new("lines.out");

        public override FlowShape<ByteString, FramedLine> Shape => new(_in, _out);

        protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

        private sealed class Logic : GraphStageLogic
        {
            private static readonly UTF8Encoding Utf8 = new(false, throwOnInvalidBytes: false);
            private readonly LineFramingStage _stage;
            private readonly Queue<FramedLine> _ready = new();
            private readonly MemoryStream _partial = new();
            private byte[] _chunk = new byte[4096];
            private bool _discarding;

            public Logic(LineFramingStage stage) : base(stage.Shape)
            {
                _stage = stage;
                SetHandler(stage._in, onPush: OnPush, onUpstreamFinish: OnFinish);
                SetHandler(stage._out, onPull: OnPull);
            }

            private void OnPush()
            {
                // Copied into a buffer kept for the next chunk, not into an array of its own each time.
                var chunk = Grab(_stage._in);
                int length = chunk.Count;
                if (_chunk.Length < length) _chunk = new byte[Math.Max(length, 2 * _chunk.Length)];
                chunk.CopyTo(_chunk, 0, length);
                var bytes = _chunk;
                int start = 0;
                for (int i = 0; i < length; i++)
                {
                    if (bytes[i] != (byte)'\n') continue;
                    Append(bytes, start, i - start);
                    EndLine(terminated: true);
                    start = i + 1;
                }
                Append(bytes, start, length - start);
                Deliver();
            }

            private void Append(byte[] bytes, int start, int count)
            {
                if (_discarding || count == 0) return;
                int room = _stage.MaxLineLength + 1 - (int)_partial.Length;
                _partial.Write(bytes, start, Math.Min(count, room));
                if (count >= room) _discarding = true;
            }

            private void EndLine(bool terminated)
            {
                // Without its "\r" (a CRLF line's) decoded, not trimmed after: one string per line, not two.
                var bytes = _partial.GetBuffer();
                int length = (int)_partial.Length;
                while (length > 0 && bytes[length - 1] == (byte)'\r') length--;
                var line = Utf8.GetString(bytes, 0, length);
                _ready.Enqueue(new FramedLine(line, terminated));
                _partial.SetLength(0);
                _discarding = false;
            }

            private void Deliver()
            {
                if (_ready.Count > 0 && IsAvailable(_stage._out)) Push(_stage._out, _ready.Dequeue());
                if (_ready.Count == 0 && !HasBeenPulled(_stage._in) && !IsClosed(_stage._in)) Pull(_stage._in);
            }

            private void OnPull() => Deliver();

            private void OnFinish()
            {
                if (_partial.Length > 0) EndLine(terminated: false);
                if (_ready.Count == 0) CompleteStage();
                else EmitMultiple(_stage._out, _ready.ToArray(), CompleteStage);
            }
        }
    }
}
