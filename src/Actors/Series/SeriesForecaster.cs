using System.Runtime.CompilerServices;
using RnnStream.Feeds.Records;
using RnnStream.Model.Inference;
using RnnStream.Model.Preprocessing;
using RnnStream.Model.Specs;

using RnnStream.Actors.Training;

namespace RnnStream.Actors.Series;

/// <summary>
/// What a series does with a tick, apart from any actor: score the forecast that was due now,
/// update the normalizer, step the network (re-warming first if the weights changed), turn its
/// output into a forecast with an interval in the series' own units, remember the tick, and now
/// and then cut a training window. One instance serves every series of a node; the state is
/// passed in.
/// </summary>
[SkipLocalsInit]
public sealed class SeriesForecaster(SeriesSettings settings)
{
    public SeriesSettings Settings { get; } = settings;

    // The settings' shape, read on every tick: plain fields instead of calls through the read-only list interfaces.
    private readonly int[] _targetIndices = settings.TargetIndices.ToArray();
    private readonly int _features = settings.Features;
    private readonly int _targets = settings.Targets;
    private readonly int _horizon = settings.Horizon;
    private readonly int _inputs = settings.NetworkInputs;
    private readonly int _window = settings.WindowLength;

    public SeriesState CreateState(string seriesId, InferenceNetwork network) => new(seriesId, Settings, network.StateLayout);

    /// <param name="windows">Receives a training window when one is due; null to cut none.</param>
    /// <param name="into">A pooled prediction to make again with this tick's forecast; null to make a new one.</param>
    public Prediction Process(SeriesState state, Tick tick, InferenceNetwork network, Action<TrainingWindow>? windows, Prediction? into = null)
    {
        if (tick.Values.Length != _features)
            throw new ArgumentException($"tick has {tick.Values.Length} values, the feed {_features}");
        if (state.WeightsVersion != network.Version) Rewarm(state, network);

        int k = _targets, h = _horizon;
        int stride = OwedForecasts.Stride(k);
        var owed = new OwedForecasts(state.Owed.AsSpan((int)(state.TicksSeen % h) * stride, stride), k);
        bool matures = owed.IsOwed;
        int length = matures ? Prediction.MaturedLength(k) : 3 * k;
        var values = into?.ValuesToFill(length) ?? new float[length];
        if (matures) Score(state, tick, owed, values.AsSpan(3 * k, length - 3 * k));

        state.Normalizer.Update(tick.Values);
        if (Settings.SeasonalLag > 0) RememberTargets(state, tick.Values, state.TicksSeen);
        if (state.Changes is { } changeStats && state.RecentCount >= h) UpdateChanges(state, changeStats, tick.Values);
        Span<float> input = stackalloc float[_inputs];
        Span<float> output = stackalloc float[network.OutputLength];
        NetworkInput(state, tick.Values, tick.Timestamp, state.TicksSeen, input);
        network.Step(state.Hidden, input, output);

        if (Settings.RidgeLags > 0 && state.RecentCount >= h + Settings.RidgeLags) UpdateRidge(state, tick.Values);
        var chosen = Settings.Forecaster switch
        {
            ForecasterChoice.Network => ForecasterKind.Network,
            ForecasterChoice.Persistence => ForecasterKind.Persistence,
            _ => Choose(state),
        };
        bool useNetwork = chosen == ForecasterKind.Network;
        var predicted = values.AsSpan(0, k);
        var lower = values.AsSpan(k, k);
        var upper = values.AsSpan(2 * k, k);
        bool gaussian = network.Spec.Head == OutputHead.Gaussian;
        for (int j = 0; j < k; j++)
        {
            int feature = _targetIndices[j];
            float last = tick.Values[feature];
            var changes = state.Changes;
            float fromNetwork = changes is null
                ? state.Normalizer.Denormalize(feature, output[j])
                : last + changes.Denormalize(j, output[j]);
            float fromRidge = RidgeForecast(state, tick.Values, j);
            float combined = Settings.RidgeLags > 0 ? Blend(state, j, last, fromNetwork, fromRidge, state.Normalizer.Scale(feature)) : last;
            predicted[j] = chosen switch
            {
                ForecasterKind.Network => fromNetwork,
                ForecasterKind.Ridge => fromRidge,
                ForecasterKind.Blend => combined,
                _ => last,
            };
            double spread = state.Residuals >= Settings.MinResiduals
                ? Math.Sqrt(state.ResidualSquares[j])
                : gaussian && useNetwork
                    ? (changes is null ? state.Normalizer.DenormalizeSpread(feature, MathF.Sqrt(output[k + j])) : changes.DenormalizeSpread(j, MathF.Sqrt(output[k + j])))
                    : changes?.Scale(j) ?? state.Normalizer.Scale(feature);
            float half = (float)(Settings.IntervalZ * spread);
            lower[j] = predicted[j] - half;
            upper[j] = predicted[j] + half;
            owed.Published(j) = predicted[j];
            owed.Lower(j) = lower[j];
            owed.Upper(j) = upper[j];
            owed.Persistence(j) = last;
            owed.Network(j) = fromNetwork;
            owed.Ridge(j) = fromRidge;
            owed.Blend(j) = combined;
        }

        if (state.TicksSeen > 0) state.LastStep = tick.Timestamp - state.LastTimestamp;
        state.LastTimestamp = tick.Timestamp;
        Remember(state, tick);
        state.TicksSeen++;
        if (windows is not null && state.RecentCount == _window && state.TicksSeen % Settings.TrainEvery == 0)
            windows(CutWindow(state, tick.Timestamp));

        if (into is null)
            return new Prediction(state.SeriesId, tick.RawTimestamp, TargetTime(state, tick), tick.Format, Settings.TargetNames,
                values, network.Version, chosen.Name(), tick.ReceivedAt, tick.Offset);
        into.Refill(state.SeriesId, tick.RawTimestampIfGiven, tick.Timestamp, TargetTime(state, tick), tick.Format, Settings.TargetNames,
            length, network.Version, chosen.Name(), tick.ReceivedAt, tick.Offset);
        return into;
    }

    /// <summary>Rebuilds the hidden state under new weights by replaying the remembered ticks, so forecasts do not jump at a swap.</summary>
    public void Rewarm(SeriesState state, InferenceNetwork network)
    {
        state.Hidden.Reset();
        Span<float> input = stackalloc float[_inputs];
        Span<float> output = stackalloc float[network.OutputLength];
        int d = _features;
        long first = state.TicksSeen - state.RecentCount;
        for (int i = 0; i < state.RecentCount; i++)
        {
            int at = (state.RecentStart + i) % _window;
            NetworkInput(state, state.RecentValues.AsSpan(at * d, d), RememberedTime(state, at), first + i, input);
            network.Step(state.Hidden, input, output);
        }
        state.WeightsVersion = network.Version;
    }

    /// <summary>Scores the forecast due now: the published one for the metrics and the interval, the network's and persistence's for the choice between them.</summary>
    /// <param name="outcome">Receives the outcome: actual, published forecast, lower, upper, persistence (K each).</param>
    private void Score(SeriesState state, Tick tick, OwedForecasts owed, Span<float> outcome)
    {
        int k = _targets;
        var actual = outcome[..k];
        double networkError = 0, persistenceError = 0, ridgeError = 0, combinedError = 0;
        bool first = state.Residuals == 0;
        for (int j = 0; j < k; j++)
        {
            int feature = _targetIndices[j];
            actual[j] = tick.Values[feature];
            double publishedResidual = actual[j] - owed.Published(j);
            state.ResidualSquares[j] = Running(state.ResidualSquares[j], publishedResidual * publishedResidual, Settings.ResidualForgetting, first);
            double scale = state.Normalizer.Scale(feature);
            networkError += Math.Abs(actual[j] - owed.Network(j)) / scale;
            persistenceError += Math.Abs(actual[j] - owed.Persistence(j)) / scale;
            ridgeError += Math.Abs(actual[j] - owed.Ridge(j)) / scale;
            combinedError += Math.Abs(actual[j] - owed.Blend(j)) / scale;
            if (Settings.RidgeLags > 0) LearnBlend(state, j, actual[j], owed.Persistence(j), owed.Network(j), owed.Ridge(j), scale);
        }
        state.NetworkError = Running(state.NetworkError, networkError, Settings.ChoiceForgetting, first);
        state.PersistenceError = Running(state.PersistenceError, persistenceError, Settings.ChoiceForgetting, first);
        state.RidgeError = Running(state.RidgeError, ridgeError, Settings.ChoiceForgetting, first);
        state.CombinedError = Running(state.CombinedError, combinedError, Settings.ChoiceForgetting, first);
        state.Residuals++;
        owed.OutcomeBlocks.CopyTo(outcome[k..]);
    }

    /// <summary>An exponentially weighted running mean: the first value as it is, then λ·previous + (1 − λ)·value.</summary>
    private static double Running(double previous, double value, double keep, bool first) =>
        first ? value : keep * previous + (1 - keep) * value;

    /// <summary>
    /// Persistence until the candidates have been scored; then, of the network, the ridge
    /// autoregression and their mean (the last two only with the ridge on), the one with the lowest
    /// running error, if that is below the margin times persistence's; else persistence.
    /// </summary>
    private ForecasterKind Choose(SeriesState state)
    {
        if (state.Residuals < Settings.MinResiduals) return ForecasterKind.Persistence;
        var best = ForecasterKind.Persistence;
        double bestError = Settings.ChoiceMargin * state.PersistenceError;
        if (state.NetworkError <= bestError) (best, bestError) = (ForecasterKind.Network, state.NetworkError);
        if (Settings.RidgeLags > 0)
        {
            if (state.RidgeError < bestError) (best, bestError) = (ForecasterKind.Ridge, state.RidgeError);
            if (state.CombinedError < bestError) best = ForecasterKind.Blend;
        }
        return best;
    }

    private static float Blend(SeriesState state, int target, float last, float fromNetwork, float fromRidge, double scale)
    {
        ReadOnlySpan<double> x = [(fromNetwork - last) / scale, (fromRidge - last) / scale];
        return (float)(last + scale * Model.Baselines.RecursiveLeastSquares.Predict(state.BlendWeights.AsSpan(2 * target, 2), x));
    }

    /// <summary>Teaches the blend what the change turned out to be, given what the network and the ridge had predicted for it.</summary>
    private void LearnBlend(SeriesState state, int target, float actual, float last, float fromNetwork, float fromRidge, double scale)
    {
        ReadOnlySpan<double> x = [(fromNetwork - last) / scale, (fromRidge - last) / scale];
        Model.Baselines.RecursiveLeastSquares.Update(state.BlendWeights.AsSpan(2 * target, 2), state.BlendInverse.AsSpan(4 * target, 4), x,
            (actual - last) / scale, Settings.RidgeForgetting);
    }

    /// <summary>The value <paramref name="back"/> ticks before the current one (1 = the previous tick), from the ring.</summary>
    private float Past(SeriesState state, int feature, int back) =>
        state.RecentValues[(state.RecentStart + state.RecentCount - back) % _window * _features + feature];

    /// <summary>Teaches the ridge autoregression the change that just completed: this tick against the one h back, from the changes before that.</summary>
    private void UpdateRidge(SeriesState state, float[] values)
    {
        int lags = Settings.RidgeLags, h = _horizon;
        Span<double> x = stackalloc double[lags];
        for (int j = 0; j < _targets; j++)
        {
            int feature = _targetIndices[j];
            double scale = state.Normalizer.Scale(feature);
            for (int i = 0; i < lags; i++) x[i] = (Past(state, feature, h + i) - Past(state, feature, h + i + 1)) / scale;
            double y = (values[feature] - Past(state, feature, h)) / scale;
            Model.Baselines.RecursiveLeastSquares.Update(state.RidgeWeights.AsSpan(j * lags, lags),
                state.RidgeInverse.AsSpan(j * lags * lags, lags * lags), x, y, Settings.RidgeForgetting);
        }
    }

    /// <summary>The ridge autoregression's forecast: the last value plus the change it predicts from the latest changes; the last value while it lacks history.</summary>
    private float RidgeForecast(SeriesState state, float[] values, int target)
    {
        int lags = Settings.RidgeLags, feature = _targetIndices[target];
        float last = values[feature];
        if (lags == 0 || state.RecentCount < lags) return last;
        double scale = state.Normalizer.Scale(feature);
        Span<double> x = stackalloc double[lags];
        x[0] = (last - Past(state, feature, 1)) / scale;
        for (int i = 1; i < lags; i++) x[i] = (Past(state, feature, i) - Past(state, feature, i + 1)) / scale;
        return (float)(last + scale * Model.Baselines.RecursiveLeastSquares.Predict(state.RidgeWeights.AsSpan(target * lags, lags), x));
    }

    /// <summary>Feeds each target's change over the horizon (this tick against the one h ticks back) to the change statistics.</summary>
    private void UpdateChanges(SeriesState state, Model.Preprocessing.OnlineNormalizer changes, float[] values)
    {
        int capacity = _window, d = _features, h = _horizon;
        int past = (state.RecentStart + state.RecentCount - h) % capacity;
        Span<float> change = stackalloc float[_targets];
        for (int j = 0; j < change.Length; j++)
        {
            int feature = _targetIndices[j];
            change[j] = values[feature] - state.RecentValues[past * d + feature];
        }
        changes.Update(change);
    }

    /// <param name="tick">The tick's number in the series (0 = its first), for the seasonal inputs.</param>
    private void NetworkInput(SeriesState state, ReadOnlySpan<float> values, DateTime timestamp, long tick, Span<float> input)
    {
        int d = _features;
        state.Normalizer.Normalize(values, input[..d]);
        if (Settings.TimeFeatures)
        {
            Model.Preprocessing.TimeFeatures.Write(timestamp, input.Slice(d, Model.Preprocessing.TimeFeatures.Count));
            d += Model.Preprocessing.TimeFeatures.Count;
        }
        if (Settings.SeasonalLag > 0) SeasonalInput(state, tick, input.Slice(d, _targets));
    }

    /// <summary>
    /// What happened one season before the target time of a forecast made at <paramref name="tick"/>:
    /// the change over the horizon then (normalized like the network's change targets) or the level
    /// then; 0 (the mean) while the series is younger than a season.
    /// </summary>
    private void SeasonalInput(SeriesState state, long tick, Span<float> destination)
    {
        long from = tick - Settings.SeasonalLag, to = from + _horizon;
        if (from < 0)
        {
            destination.Clear();
            return;
        }
        int capacity = Settings.SeasonalCapacity, k = _targets;
        int fromAt = (int)(from % capacity) * k, toAt = (int)(to % capacity) * k;
        for (int j = 0; j < k; j++)
        {
            float then = state.SeasonalHistory[toAt + j];
            destination[j] = state.Changes is { } changes
                ? (float)((then - state.SeasonalHistory[fromAt + j] - changes.Mean(j)) / changes.Scale(j))
                : (float)((then - state.Normalizer.Mean(_targetIndices[j])) / state.Normalizer.Scale(_targetIndices[j]));
        }
    }

    private void RememberTargets(SeriesState state, float[] values, long tick)
    {
        int at = (int)(tick % Settings.SeasonalCapacity) * _targets;
        for (int j = 0; j < _targets; j++) state.SeasonalHistory[at + j] = values[_targetIndices[j]];
    }

    /// <summary>When the remembered tick at ring slot <paramref name="at"/> came; only time features read it, and without them no times are kept.</summary>
    private static DateTime RememberedTime(SeriesState state, int at) =>
        state.RecentSeconds.Length > 0 ? state.Origin.AddSeconds(state.RecentSeconds[at]) : state.Origin;

    private void Remember(SeriesState state, Tick tick)
    {
        int capacity = _window, d = _features;
        if (state.RecentCount == 0 && state.TicksSeen == 0) state.Origin = tick.Timestamp;
        int at;
        if (state.RecentCount < capacity) at = (state.RecentStart + state.RecentCount++) % capacity;
        else
        {
            at = state.RecentStart;
            state.RecentStart = (state.RecentStart + 1) % capacity;
        }
        tick.Values.CopyTo(state.RecentValues.AsSpan(at * d, d));
        if (state.RecentSeconds.Length > 0) state.RecentSeconds[at] = (int)Math.Clamp((tick.Timestamp - state.Origin).TotalSeconds, int.MinValue, int.MaxValue);
    }

    /// <summary>The remembered ticks as one training window: inputs for the first W − h, targets h later, normalized with today's statistics.</summary>
    private TrainingWindow CutWindow(SeriesState state, DateTime endTime)
    {
        int capacity = _window, d = _features, h = _horizon, k = _targets;
        int steps = capacity - h, inputs = _inputs;
        var inputValues = new float[steps * inputs];
        var targetValues = new float[steps * k];
        long first = state.TicksSeen - state.RecentCount;
        for (int t = 0; t < steps; t++)
        {
            int at = (state.RecentStart + t) % capacity;
            NetworkInput(state, state.RecentValues.AsSpan(at * d, d), RememberedTime(state, at), first + t, inputValues.AsSpan(t * inputs, inputs));
            int future = (state.RecentStart + t + h) % capacity;
            for (int j = 0; j < k; j++)
            {
                int feature = _targetIndices[j];
                float target = state.RecentValues[future * d + feature];
                targetValues[t * k + j] = state.Changes is { } changes
                    ? (float)((target - state.RecentValues[at * d + feature] - changes.Mean(j)) / changes.Scale(j))
                    : (float)((target - state.Normalizer.Mean(feature)) / state.Normalizer.Scale(feature));
            }
        }
        return new TrainingWindow(state.SeriesId, endTime, inputValues, targetValues, steps);
    }

    /// <summary>
    /// How a series stands after its last tick: that tick's values and the forecast it published
    /// then, read back from its owed forecasts. Which forecaster published it is the candidate whose
    /// value it equals (a tie is a tie of values: either name describes the same forecast).
    /// </summary>
    public Protocol.SeriesStatus Describe(SeriesState state, bool live, Protocol.SeriesScoreSummary? scores)
    {
        int k = _targets, d = _features;
        var lastValues = new float[d];
        if (state.RecentCount > 0)
            state.RecentValues.AsSpan(((state.RecentStart + state.RecentCount - 1) % _window) * d, d).CopyTo(lastValues);
        float[] predicted = new float[k], lower = new float[k], upper = new float[k];
        string forecaster = Settings.Forecaster == ForecasterChoice.Network ? ForecasterNames.Network : ForecasterNames.Persistence;
        if (state.TicksSeen > 0)
        {
            var owed = new OwedForecasts(state.Owed.AsSpan((int)((state.TicksSeen - 1) % _horizon) * OwedForecasts.Stride(k), OwedForecasts.Stride(k)), k);
            for (int j = 0; j < k; j++)
            {
                predicted[j] = owed.Published(j);
                lower[j] = owed.Lower(j);
                upper[j] = owed.Upper(j);
            }
            if (Settings.Forecaster is not (ForecasterChoice.Network or ForecasterChoice.Persistence))
                forecaster = predicted[0].Equals(owed.Network(0)) ? ForecasterNames.Network
                    : Settings.RidgeLags > 0 && predicted[0].Equals(owed.Blend(0)) ? ForecasterNames.Blend
                    : Settings.RidgeLags > 0 && predicted[0].Equals(owed.Ridge(0)) ? ForecasterNames.Ridge
                    : ForecasterNames.Persistence;
        }
        var step = Settings.Step ?? state.LastStep;
        return new Protocol.SeriesStatus(state.SeriesId, live, state.TicksSeen, state.LastTimestamp, Settings.FeatureNames, lastValues,
            state.TicksSeen > 0 && step > TimeSpan.Zero ? state.LastTimestamp + _horizon * step : null, Settings.TargetNames,
            predicted, lower, upper, forecaster, state.WeightsVersion, scores);
    }

    private DateTime? TargetTime(SeriesState state, Tick tick)
    {
        var step = Settings.Step ?? state.LastStep;
        return step > TimeSpan.Zero ? tick.Timestamp + _horizon * step : null;
    }
}
