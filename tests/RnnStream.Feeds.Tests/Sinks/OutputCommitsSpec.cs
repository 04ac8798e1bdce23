using Akka.Streams;
using Akka.Streams.TestKit;
using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sinks;
using Xunit;

namespace RnnStream.Feeds.Tests.Sinks;

public sealed class OutputCommitsSpec() : Akka.TestKit.Xunit2.TestKit()
{
    private static Prediction Sample(int i) => SamplePredictions.Numbered(i);

    [Fact]
    public async Task A_commit_asked_at_N_elements_answers_the_flushed_length_of_exactly_those_and_a_restart_cuts_back_to_it()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"rnnstream-{Guid.NewGuid():N}");
        string path = Path.Combine(directory, "p.csv");
        try
        {
            var commits = new OutputCommits();
            var (probe, done) = this.SourceProbe<Prediction>()
                .ToMaterialized(TextFileSink.Continuing<Prediction>(path, PredictionFormats.WriteCsv, PredictionFormats.CsvHeader, 0, commits), Akka.Streams.Dsl.Keep.Both)
                .Run(Sys.Materializer());
            probe.SendNext(Sample(1)).SendNext(Sample(2));
            var atTwo = commits.FlushAt(2);
            var committed = await atTwo;
            probe.SendNext(Sample(3)).SendNext(Sample(4));
            var atFour = commits.FlushAt(4);
            probe.SendComplete();
            await done;

            var lines = File.ReadAllLines(path);
            Assert.Equal(5, lines.Length);
            var atFourMark = await atFour;
            Assert.Equal(new FileInfo(path).Length, atFourMark.Length);
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)), atFourMark.Sha256);
            string firstTwo = string.Join("", lines.Take(3).Select(l => l + "\n"));
            Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(firstTwo), committed.Length);
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(firstTwo)), committed.Sha256);

            // A crash after element 4 was written but before its commit: the next run cuts back to the commit at 2 and continues.
            var resumed = new OutputCommits { Initial = 2 };
            await Akka.Streams.Dsl.Source.From(new[] { Sample(3), Sample(4) })
                .RunWith(TextFileSink.Continuing<Prediction>(path, PredictionFormats.WriteCsv, PredictionFormats.CsvHeader, committed.Length, resumed), Sys.Materializer());
            Assert.Equal(lines, File.ReadAllLines(path));
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_sink_of_batches_counts_predictions_so_a_commit_between_batches_answers_the_length_of_those_before()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"rnnstream-{Guid.NewGuid():N}");
        string path = Path.Combine(directory, "p.csv");
        try
        {
            var commits = new OutputCommits();
            var (probe, done) = this.SourceProbe<PredictionBatch>()
                .ToMaterialized(TextFileSink.Continuing(path, PredictionFormats.Each(PredictionFormats.WriteCsv), PredictionFormats.CsvHeader, 0, commits, countOf: batch => batch.Count),
                    Akka.Streams.Dsl.Keep.Both)
                .Run(Sys.Materializer());
            probe.SendNext(PredictionBatch.Of(Sample(1), Sample(2), Sample(3)));
            var atThree = await commits.FlushAt(3);
            // A cut inside a batch already written cannot be answered: the stream's cuts fall between batches.
            await Assert.ThrowsAsync<InvalidOperationException>(() => commits.FlushAt(2));
            probe.SendNext(PredictionBatch.Of(Sample(4), Sample(5)));
            var atFive = commits.FlushAt(5);
            probe.SendComplete();
            await done;

            var lines = File.ReadAllLines(path);
            Assert.Equal(6, lines.Length);
            Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(string.Join("", lines.Take(4).Select(l => l + "\n"))), atThree.Length);
            Assert.Equal(new FileInfo(path).Length, (await atFive).Length);
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_commit_asked_too_late_fails_instead_of_answering_a_wrong_length()
    {
        var commits = new OutputCommits();
        var probe = this.SourceProbe<Prediction>()
            .To(TextFileSink.Create<Prediction>(() => new StringWriter(), PredictionFormats.WriteCsv, null, commits))
            .Run(Sys.Materializer());
        probe.SendNext(Sample(1)).SendNext(Sample(2));
        await AwaitAssertAsync(async () =>
        {
            var late = commits.FlushAt(1);
            await Assert.ThrowsAsync<InvalidOperationException>(() => late);
        });
        probe.SendComplete();
    }
}
