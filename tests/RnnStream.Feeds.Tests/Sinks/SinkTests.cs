using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using RnnStream.Feeds.Parsing;
using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sinks;
using Xunit;

namespace RnnStream.Feeds.Tests.Sinks;

public sealed class SinkTests() : Akka.TestKit.Xunit2.TestKit()
{
    private static readonly TimestampFormat Format = TimestampFormat.Pattern("yyyy-MM-dd HH:mm");

    private static Prediction Sample(string series) => new(series, "2024-01-01 10:00", new DateTime(2024, 1, 1, 10, 30, 0), Format, ["open", "close"],
        [1.5f, 2.25f, 1f, 2f, 2f, 2.5f], 3, "rnn", 0, 0);

    [Fact]
    public void The_predictions_CSV_has_one_row_per_series_time_and_feature_with_the_target_time_in_the_input_format()
    {
        var writer = new StringWriter();
        PredictionFormats.WriteCsv(Sample("A,B"), writer);
        Assert.Equal(
            "\"A,B\",2024-01-01 10:00,2024-01-01 10:30,open,1.5,1,2,3,rnn\n" +
            "\"A,B\",2024-01-01 10:00,2024-01-01 10:30,close,2.25,2,2.5,3,rnn\n", writer.ToString());
    }

    /// <summary>A pooled prediction whose tick's time is written from the time, not kept as text, as the live path makes them.</summary>
    private static Prediction Pooled(PredictionPool pool, string series, int minute)
    {
        var batch = pool.Rent(1);
        var prediction = pool.At(batch, 0);
        var values = prediction.ValuesToFill(6);
        float[] made = [1.5f + minute, 2.25f, 1f / 3, -2e-7f, 2f, 2.5e9f];
        made.CopyTo(values, 0);
        var time = new DateTime(2024, 1, 1, 10, 0, 0).AddMinutes(minute);
        prediction.Refill(series, null, time, time.AddMinutes(30), Format, ["open", "=close"], 6, 12, "rnn", 0, minute);
        return prediction;
    }

    [Fact]
    public void A_pooled_prediction_is_written_with_its_times_formatted_numbers_round_tripping_and_fields_guarded()
    {
        var prediction = Pooled(new PredictionPool(), "A,B", 0);
        var csv = new StringWriter();
        PredictionFormats.WriteCsv(prediction, csv);
        static string R(float value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(
            $"\"A,B\",2024-01-01 10:00,2024-01-01 10:30,open,1.5,{R(1f / 3)},2,12,rnn\n" +
            $"\"A,B\",2024-01-01 10:00,2024-01-01 10:30,'=close,2.25,{R(-2e-7f)},{R(2.5e9f)},12,rnn\n", csv.ToString());

        var json = new StringWriter();
        PredictionFormats.WriteJson(prediction, json);
        Assert.Equal(PredictionFormats.ToJson(prediction) + "\n", json.ToString());
        using var document = System.Text.Json.JsonDocument.Parse(json.ToString());
        var root = document.RootElement;
        Assert.Equal(["A,B", "2024-01-01 10:00", "2024-01-01 10:30"], new[] { "series", "timestamp", "target_timestamp" }.Select(key => root.GetProperty(key).GetString()));
        Assert.Equal(12, root.GetProperty("weights_version").GetInt64());
        Assert.Equal(2.5e9f, root.GetProperty("predictions").GetProperty("=close").GetProperty("upper").GetSingle());
    }

    [Fact]
    public void Writing_pooled_predictions_as_CSV_or_JSON_lines_allocates_nothing()
    {
        var pool = new PredictionPool();
        // Every kind of field: plain, quoted with a quote inside, and led by a formula's sign.
        var predictions = Enumerable.Range(0, 500).Select(minute => Pooled(pool, minute % 3 == 0 ? "S,\"q\"" : $"S{minute % 7}", minute)).ToArray();
        using var writer = new StreamWriter(Stream.Null, new System.Text.UTF8Encoding(false), 1 << 16);
        foreach (var prediction in predictions)
        {
            PredictionFormats.WriteCsv(prediction, writer);
            PredictionFormats.WriteJson(prediction, writer);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var prediction in predictions) PredictionFormats.WriteCsv(prediction, writer);
        foreach (var prediction in predictions) PredictionFormats.WriteJson(prediction, writer);
        writer.Flush();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Series_that_tick_together_and_then_apart_each_get_their_own_times_in_CSV_and_JSON()
    {
        var pool = new PredictionPool();
        int[] minutes = [0, 0, 0, 1, 1, 0, 2, 2];
        var csv = new StringWriter();
        var json = new StringWriter();
        foreach (var (minute, i) in minutes.Select((minute, i) => (minute, i)))
        {
            var prediction = Pooled(pool, $"S{i}", minute);
            PredictionFormats.WriteCsv(prediction, csv);
            PredictionFormats.WriteJson(prediction, json);
        }
        var rows = csv.ToString().TrimEnd('\n').Split('\n');
        var lines = json.ToString().TrimEnd('\n').Split('\n');
        var start = new DateTime(2024, 1, 1, 10, 0, 0);
        foreach (var (minute, i) in minutes.Select((minute, i) => (minute, i)))
        {
            string time = Format.Format(start.AddMinutes(minute)), target = Format.Format(start.AddMinutes(minute + 30));
            Assert.All(rows.Skip(2 * i).Take(2), row => Assert.Equal([$"S{i}", time, target], row.Split(',').Take(3)));
            using var document = System.Text.Json.JsonDocument.Parse(lines[i]);
            Assert.Equal([$"S{i}", time, target], new[] { "series", "timestamp", "target_timestamp" }.Select(key => document.RootElement.GetProperty(key).GetString()));
        }
    }

    [Fact]
    public void A_continued_file_of_an_earlier_release_gets_rows_in_its_own_columns()
    {
        var old = new StringWriter();
        PredictionFormats.CsvWriterFor(PredictionFormats.CsvHeaderWithoutForecaster)(Sample("x"), old);
        Assert.All(old.ToString().TrimEnd('\n').Split('\n'), row => Assert.Equal(8, row.Split(',').Length));
        var current = new StringWriter();
        PredictionFormats.CsvWriterFor(PredictionFormats.CsvHeader)(Sample("x"), current);
        Assert.All(current.ToString().TrimEnd('\n').Split('\n'), row => Assert.Equal(9, row.Split(',').Length));
    }

    [Fact]
    public async Task With_a_flush_interval_rows_reach_the_file_while_the_stream_is_still_open()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rnnstream-{Guid.NewGuid():N}", "p.csv");
        try
        {
            var (probe, done) = this.SourceProbe<Prediction>()
                .ToMaterialized(TextFileSink.ToFile<Prediction>(path, PredictionFormats.WriteCsv, PredictionFormats.CsvHeader, flushEvery: TimeSpan.FromMilliseconds(50)), Keep.Both)
                .Run(Sys.Materializer());
            await probe.SendNextAsync(Sample("x"));
            await probe.SendNextAsync(Sample("y"));
            // The 64 KiB buffer would hold these rows until the end; the interval's flush puts them in the file.
            await AwaitAssertAsync(() => Assert.Equal(5, ReadShared(path).Length), TimeSpan.FromSeconds(5));
            Assert.False(done.IsCompleted);
            probe.SendComplete();
            await done;
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    private static string[] ReadShared(string path)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task The_file_sink_writes_the_header_and_every_row_and_completes_when_flushed()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rnnstream-{Guid.NewGuid():N}", "p.csv");
        try
        {
            await Source.From(new[] { Sample("x"), Sample("y") })
                .RunWith(TextFileSink.ToFile<Prediction>(path, PredictionFormats.WriteCsv, PredictionFormats.CsvHeader), Sys.Materializer());
            var lines = File.ReadAllLines(path);
            Assert.Equal(PredictionFormats.CsvHeader, lines[0]);
            Assert.Equal(5, lines.Length);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public async Task A_failing_writer_fails_the_sinks_task_with_the_cause()
    {
        var sink = TextFileSink.Create<Prediction>(() => new StringWriter(), (_, _) => throw new IOException("disk full"));
        var error = await Assert.ThrowsAsync<IOException>(() => Source.Single(Sample("x")).RunWith(sink, Sys.Materializer()));
        Assert.Equal("disk full", error.Message);
    }

    [Fact]
    public void Rejected_records_go_to_quarantine_as_JSON_with_reason_and_raw_text()
    {
        var writer = new StringWriter();
        PredictionFormats.WriteRejected(new Rejected("a,\"b\"\tc", RejectReason.NonNumeric, "b is not a number", 7), writer);
        Assert.Equal("{\"offset\":7,\"reason\":\"NonNumeric\",\"detail\":\"b is not a number\",\"raw\":\"a,\\u0022b\\u0022\\tc\"}\n", writer.ToString());
    }
}
