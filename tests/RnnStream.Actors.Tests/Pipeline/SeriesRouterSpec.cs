using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using RnnStream.Actors.Pipeline;
using RnnStream.Feeds.Records;
using RnnStream.Model.Inference;
using RnnStream.Model.Preprocessing;
using RnnStream.Model.Weights;
using Xunit;

namespace RnnStream.Actors.Tests.Pipeline;

public sealed class SeriesRouterSpec() : Akka.TestKit.Xunit2.TestKit(RnnStream.Actors.Pipeline.PipelineConfig.Config)
{
    private static readonly string[] ThreeSeries = ["alpha", "beta", "gamma"];

    /// <summary>The model's own step, outside any actor, for one series' ticks.</summary>
    private static List<float> Expected(InferenceNetwork network, IEnumerable<Tick> ticks)
    {
        var normalizer = new OnlineNormalizer(2);
        var state = network.CreateState();
        var input = new float[2];
        var output = new float[1];
        var result = new List<float>();
        foreach (var tick in ticks)
        {
            normalizer.Update(tick.Values);
            normalizer.Normalize(tick.Values, input);
            network.Step(state, input, output);
            result.Add(normalizer.Denormalize(1, output[0]));
        }
        return result;
    }

    [Fact]
    public async Task A_series_actors_prediction_equals_the_models_own_step_for_the_same_inputs_and_weights()
    {
        var harness = new Harness(Sys);
        var ticks = Ticks.Interleaved(ThreeSeries, 20).ToList();

        var predictions = await Source.From(ticks).Via(SeriesRouter.OnePerPrediction(harness.Router()))
            .RunWith(Sink.Seq<Prediction>(), Sys.Materializer());

        Assert.Equal(ticks.Count, predictions.Count);
        foreach (var id in ThreeSeries)
        {
            var expected = Expected(harness.Registry.Current, ticks.Where(t => t.SeriesId == id));
            var actual = predictions.Where(p => p.SeriesId == id).Select(p => p.Predicted[0]).ToList();
            Assert.Equal(expected, actual);
        }
        Assert.All(predictions, p => Assert.Equal(0, p.WeightsVersion));
    }

    [Fact]
    public async Task Each_element_the_stage_emits_is_one_key_groups_answer_with_its_ticks_in_feed_order()
    {
        const int keyGroups = 2;
        var harness = new Harness(Sys, router: new RouterSettings { Partitions = keyGroups });
        var ticks = Ticks.Interleaved(ThreeSeries, 200).ToList();

        // The feed's batches of 7 ticks cross the key groups' answers: the answers follow the key groups, not the feed's batches.
        var batches = await Source.From(ticks.Chunk(7).Select(chunk => RecordBatch.Of(chunk))).Via(SeriesRouter.Create(harness.Router()))
            .RunWith(Sink.Seq<PredictionBatch>(), Sys.Materializer());

        var extractor = new Actors.Protocol.SeriesMessageExtractor(keyGroups);
        Assert.All(batches, batch => Assert.Single(batch.Select(p => extractor.Partition(p.SeriesId)).Distinct()));
        for (int keyGroup = 0; keyGroup < keyGroups; keyGroup++)
        {
            var sent = ticks.Where(t => extractor.Partition(t.SeriesId) == keyGroup).Select(t => (t.SeriesId, t.Offset));
            var answered = batches.SelectMany(batch => batch).Where(p => extractor.Partition(p.SeriesId) == keyGroup).Select(p => (p.SeriesId, p.Offset));
            Assert.Equal(sent, answered);
        }
    }

    [Fact]
    public void A_weights_swap_is_seen_by_every_series_on_its_next_tick_after_rewarming()
    {
        var harness = new Harness(Sys);
        var (source, sink) = this.SourceProbe<Tick>().Via(SeriesRouter.OnePerPrediction(harness.Router())).ToMaterialized(this.SinkProbe<Prediction>(), Keep.Both).Run(Sys.Materializer());
        sink.Request(1000);
        foreach (var tick in Ticks.Interleaved(ThreeSeries, 10)) source.SendNext(tick);
        var before = sink.ExpectNextN(30);
        Assert.All(before, p => Assert.Equal(0, p.WeightsVersion));

        var newWeights = WeightInitializer.Initialize(harness.Spec, seed: 99).WithVersion(1);
        harness.Registry.Promote(newWeights);
        var after = Ticks.Interleaved(ThreeSeries, 1, firstStep: 10).ToList();
        foreach (var tick in after) source.SendNext(tick);
        var swapped = sink.ExpectNextN(3);
        source.SendComplete();
        sink.ExpectComplete();

        Assert.All(swapped, p => Assert.Equal(1, p.WeightsVersion));
        // Re-warmed: the new weights replay the remembered ticks (normalized with the statistics of
        // that moment), then step the new tick, exactly as a series that had always had them would.
        var network = new InferenceNetwork(newWeights);
        foreach (var id in ThreeSeries)
        {
            var history = Ticks.Interleaved([id], 10).ToList();
            var next = Ticks.Interleaved([id], 1, firstStep: 10).Single();
            var normalizer = new OnlineNormalizer(2);
            foreach (var tick in history) normalizer.Update(tick.Values);
            var state = network.CreateState();
            var input = new float[2];
            var output = new float[1];
            foreach (var tick in history)
            {
                normalizer.Normalize(tick.Values, input);
                network.Step(state, input, output);
            }
            normalizer.Update(next.Values);
            normalizer.Normalize(next.Values, input);
            network.Step(state, input, output);
            Assert.Equal(normalizer.Denormalize(1, output[0]), swapped.Single(p => p.SeriesId == id).Predicted[0]);
        }
    }

    /// <summary>A router over two key groups with a bound on ticks in flight, fed by a probe through a one-element buffer, its answers taken by a probe.</summary>
    private (TestPublisher.Probe<RecordBatch> Source, TestSubscriber.Probe<PredictionBatch> Sink) BoundedRouter(int maxInFlight) =>
        this.SourceProbe<RecordBatch>()
            .Via(SeriesRouter.Create(new Harness(Sys, router: new RouterSettings { MaxInFlight = maxInFlight, Partitions = 2 }).Router()))
            .ToMaterialized(this.SinkProbe<PredictionBatch>(), Keep.Both)
            .WithAttributes(Attributes.CreateInputBuffer(1, 1))
            .Run(Sys.Materializer());

    [Fact]
    public void A_slow_sink_backpressures_the_source_with_no_more_than_max_in_flight_ticks_taken()
    {
        const int maxInFlight = 8;
        var (source, sink) = BoundedRouter(maxInFlight);

        sink.EnsureSubscription();
        long requested = 0;
        var ticks = Ticks.Interleaved(ThreeSeries, 100).GetEnumerator();
        // The sink asks for nothing: the router takes max-in-flight ticks (plus the one-element
        // buffer in front of it) and then asks the source for no more.
        for (int i = 0; i < maxInFlight + 1; i++)
        {
            long demand = source.ExpectRequest();
            requested += demand;
            for (long j = 0; j < demand; j++)
            {
                ticks.MoveNext();
                source.SendNext(RecordBatch.Of(ticks.Current));
            }
        }
        source.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(maxInFlight + 1, requested);

        // Once the sink has taken a key group's answer and asks for the next, the source is asked again.
        sink.Request(1);
        Assert.InRange(sink.ExpectNext().Count, 1, maxInFlight);
        source.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        sink.Request(1);
        Assert.True(source.ExpectRequest() > 0);
        source.SendComplete();
    }

    [Fact]
    public void A_batch_larger_than_max_in_flight_is_taken_in_as_answers_are_taken_and_the_next_is_asked_for_only_once_it_is_through()
    {
        const int maxInFlight = 8;
        var (source, sink) = BoundedRouter(maxInFlight);
        var ticks = Ticks.Interleaved(ThreeSeries, 10).ToArray();
        var next = Ticks.Interleaved(ThreeSeries, 1, firstStep: 10).ToArray();

        sink.EnsureSubscription();
        source.ExpectRequest();
        source.SendNext(RecordBatch.Of(ticks));
        // The one-element buffer in front of the router asks for the next batch as soon as the router has this one.
        source.ExpectRequest();
        source.SendNext(RecordBatch.Of(next));
        var answered = new List<Prediction>();
        while (answered.Count < ticks.Length + next.Length)
        {
            sink.Request(1);
            var answer = sink.ExpectNext();
            // Never more of the batch in flight than the bound, however many it holds.
            Assert.InRange(answer.Count, 1, maxInFlight);
            answered.AddRange(answer);
            // The router takes the next batch (and the buffer asks for another) only once this one is through:
            // its last ticks cannot have gone while more than the bound's worth of it waits for answers.
            if (answered.Count <= ticks.Length - maxInFlight) source.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        }
        sink.Request(1);
        Assert.True(source.ExpectRequest() > 0);

        var extractor = new Actors.Protocol.SeriesMessageExtractor(2);
        for (int keyGroup = 0; keyGroup < 2; keyGroup++)
            Assert.Equal(ticks.Concat(next).Where(t => extractor.Partition(t.SeriesId) == keyGroup).Select(t => t.Offset),
                answered.Where(p => extractor.Partition(p.SeriesId) == keyGroup).Select(p => p.Offset));
        source.SendComplete();
        sink.ExpectComplete();
    }

    [Fact]
    public async Task The_rejects_in_a_batch_are_passed_by_and_its_ticks_forecast_as_if_each_had_come_alone()
    {
        var ticks = Ticks.Interleaved(ThreeSeries, 20).ToList();
        var rejected = new Rejected("junk", RejectReason.NonNumeric, "not a number", 0);
        var batches = ticks.Chunk(9).Select(chunk => RecordBatch.Of([rejected, .. chunk, rejected]));

        var single = await Source.From(ticks).Via(SeriesRouter.OnePerPrediction(new Harness(Sys).Router())).RunWith(Sink.Seq<Prediction>(), Sys.Materializer());
        var batched = await Source.From(batches).Via(SeriesRouter.Create(new Harness(Sys).Router())).Via(Feeds.Sinks.Unbatched.Predictions)
            .RunWith(Sink.Seq<Prediction>(), Sys.Materializer());

        Assert.Equal(ticks.Count, batched.Count);
        foreach (var id in ThreeSeries)
            Assert.Equal(single.Where(p => p.SeriesId == id).Select(p => (p.Offset, p.Predicted[0])), batched.Where(p => p.SeriesId == id).Select(p => (p.Offset, p.Predicted[0])));
    }

    [Fact]
    public async Task A_tick_that_cannot_be_forecast_is_answered_as_a_failure_and_the_series_goes_on()
    {
        var harness = new Harness(Sys);
        Tick[] ticks = [Ticks.At("x", 0, 1f, 2f), Ticks.At("x", 1, 1f, 2f, 3f), Ticks.At("x", 2, 1.5f, 2.5f)];

        var predictions = await Source.From(ticks).Via(SeriesRouter.OnePerPrediction(harness.Router()))
            .RunWith(Sink.Seq<Prediction>(), Sys.Materializer());

        Assert.Equal(3, predictions.Count);
        Assert.True(predictions[1].IsFailed);
        Assert.Equal("ArgumentException", predictions[1].Failure!.ErrorType);
        Assert.False(predictions[2].IsFailed);
        Assert.NotNull(predictions[2].Matured);
    }

    [Fact]
    public void A_feed_batch_goes_to_each_idle_key_group_as_one_message_not_its_first_tick_alone()
    {
        var probes = new[] { CreateTestProbe(), CreateTestProbe() };
        var extractor = new Actors.Protocol.SeriesMessageExtractor(probes.Length);
        string[] series = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"];
        var ticks = Ticks.Interleaved(series, 4).ToList();
        var expected = Enumerable.Range(0, probes.Length)
            .Select(keyGroup => ticks.Where(t => extractor.Partition(t.SeriesId) == keyGroup).Select(t => $"{t.SeriesId}@{t.Offset}").ToList()).ToList();
        Assert.All(expected, offsets => Assert.True(offsets.Count >= 4, "every key group has ticks of the batch"));

        var router = new SeriesRouter(KeyGroups.Local(probes.Select(p => p.Ref).ToArray()), new RouterSettings { Partitions = probes.Length });
        Source.Single(new RecordBatch(ticks.ToArray<FeedRecord>(), ticks.Count)).Via(SeriesRouter.Create(router))
            .RunWith(Sink.Ignore<PredictionBatch>(), Sys.Materializer());

        // Idle key groups, one feed batch: each gets all its ticks of it, in feed order, in its first message.
        for (int keyGroup = 0; keyGroup < probes.Length; keyGroup++)
        {
            var first = probes[keyGroup].FishForMessage<Actors.Protocol.KeyGroupTicks>(_ => true);
            Assert.Equal(expected[keyGroup], first.Ticks.ToArray().Select(t => $"{t.SeriesId}@{t.Offset}").ToList());
        }
    }
}
