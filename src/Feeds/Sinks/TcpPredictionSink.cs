using System.Buffers;
using System.Net.Sockets;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Sinks;

/// <summary>
/// Sends predictions as JSON lines to a TCP listener (a dashboard, another service). A batch's
/// lines are written in UTF-8 into a buffer the sink keeps and go out as one write, the next batch
/// pulled once it is sent (a slow listener holds the stream back, and no thread waits for it); the
/// batch goes back to its pool as soon as its lines are made. So sending allocates nothing per
/// prediction (docs/RESULTS.md). The connection is made when the stream starts; if it cannot be
/// made, or breaks, the sink's task fails with the socket's error, and so does the stream.
/// </summary>
public static class TcpPredictionSink
{
    public static Sink<PredictionBatch, Task> Create(string host, int port) => Sink.FromGraph(new SocketStage(host, port));

    private sealed class SocketStage(string host, int port) : GraphStageWithMaterializedValue<SinkShape<PredictionBatch>, Task>
    {
        private readonly Inlet<PredictionBatch> _in = new("tcp-predictions.in");
        private readonly string _host = host;
        private readonly int _port = port;
        public override SinkShape<PredictionBatch> Shape => new(_in);

        public override ILogicAndMaterializedValue<Task> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return new LogicAndMaterializedValue<Task>(new Logic(this, done), done.Task);
        }

        private sealed class Logic : GraphStageLogic
        {
            private readonly SocketStage _stage;
            private readonly TaskCompletionSource _done;
            private readonly Socket _socket = new(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            private readonly ArrayBufferWriter<byte> _lines = new(1 << 16);
            private Task? _connected;
            private Action<Exception?>? _sent;
            private bool _sending;
            private bool _finishing;

            public Logic(SocketStage stage, TaskCompletionSource done) : base(stage.Shape)
            {
                _stage = stage;
                _done = done;
                SetHandler(stage._in, onPush: OnPush, onUpstreamFinish: OnUpstreamFinish, onUpstreamFailure: Fail);
            }

            public override void PreStart()
            {
                _sent = GetAsyncCallback<Exception?>(Sent);
                // The last batch may still be on its way when the stream ends: the stage stays until it is sent.
                SetKeepGoing(true);
                _connected = _socket.ConnectAsync(_stage._host, _stage._port);
                // Failed at once, not at the first batch: a run with nothing to send still learns its output is not there.
                var refused = GetAsyncCallback<Exception>(Fail);
                _connected.ContinueWith(connecting => refused(connecting.Exception!.GetBaseException()), CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                Pull(_stage._in);
            }

            private void OnPush()
            {
                var batch = Grab(_stage._in);
                _lines.ResetWrittenCount();
                foreach (var prediction in batch) PredictionFormats.WriteJsonLine(prediction, _lines);
                batch.GiveBack();
                _sending = true;
                _ = SendAsync();
            }

            /// <summary>The buffer's lines to the socket, off the stream's thread; the stage hears back through its callback.</summary>
            private async Task SendAsync()
            {
                try
                {
                    await _connected!;
                    var unsent = _lines.WrittenMemory;
                    while (!unsent.IsEmpty) unsent = unsent[await _socket.SendAsync(unsent, SocketFlags.None)..];
                    _sent!(null);
                }
                catch (Exception e)
                {
                    _sent!(e);
                }
            }

            private void Sent(Exception? error)
            {
                _sending = false;
                if (error is not null) Fail(error);
                else if (_finishing) Finish();
                else Pull(_stage._in);
            }

            private void OnUpstreamFinish()
            {
                _finishing = true;
                if (_sending) return;
                // Nothing left to send, but the end waits for the connection: one that fails fails the sink.
                _lines.ResetWrittenCount();
                _sending = true;
                _ = SendAsync();
            }

            private void Finish()
            {
                _socket.Dispose();
                _done.TrySetResult();
                CompleteStage();
            }

            private void Fail(Exception cause)
            {
                _socket.Dispose();
                _done.TrySetException(cause);
                FailStage(cause);
            }

            public override void PostStop()
            {
                _socket.Dispose();
                _done.TrySetException(new AbruptStageTerminationException(this));
            }
        }
    }
}
