using RnnStream.Model.Specs;

namespace RnnStream.Host.Configuration;

/// <summary>
/// A setting the model or the trainer refuses, said in the deployment's own terms: the config key
/// and the value given, not the internal field it was copied into.
/// </summary>
internal static class ConfigKeyErrors
{
    private static readonly Dictionary<string, string> KeyOfField = new(StringComparer.Ordinal)
    {
        // ModelSpec
        ["InputFeatures"] = "feed.features",
        ["OutputUnits"] = "feed.targets",
        ["Horizon"] = "model.horizon",
        ["Layers"] = "model.layers",
        ["Units"] = "model.layers",
        ["Cell"] = "model.cell",
        ["Activation"] = "model.activation",
        ["Head"] = "model.head",
        // SeriesSettings
        ["WindowLength"] = "series.window",
        ["RidgeLags"] = "series.ridge-lags",
        ["SeasonalLag"] = "series.seasonal-lag",
        ["TrainEvery"] = "series.train-every",
        // TrainingOptions
        ["LearningRate"] = "training.learning-rate",
        ["Momentum"] = "training.momentum",
        ["ClipNorm"] = "training.clip-norm",
        ["L2"] = "training.l2",
        ["TruncationLength"] = "training.truncation",
        ["WarmupSteps"] = "training.warmup-steps",
        ["Shards"] = "training.shards",
        ["Threads"] = "training.threads",
    };

    /// <summary>Runs <paramref name="build"/>; a refused field comes back as an error naming its key.</summary>
    public static T Named<T>(Func<T> build)
    {
        try
        {
            return build();
        }
        catch (ModelSpecException e)
        {
            throw new ArgumentException($"{KeyOf(e.Field)}: {e.Reason}", e);
        }
        catch (ArgumentOutOfRangeException e) when (e.ParamName is { } field && KeyOfField.ContainsKey(field))
        {
            // The message carries " (Parameter 'X')" and "Actual value was ..." after the reason.
            string reason = e.Message.Split(" (Parameter", 2)[0];
            throw new ArgumentException($"{KeyOf(field)} = {e.ActualValue}: {reason}", e);
        }
    }

    /// <summary>The key of a field such as "Layers[0].Units": its last name, looked up.</summary>
    private static string KeyOf(string field)
    {
        string name = field[(field.LastIndexOf('.') + 1)..];
        if (name.IndexOf('[') is > 0 and var bracket) name = name[..bracket];
        return KeyOfField.TryGetValue(name, out var key) ? key : field;
    }
}
