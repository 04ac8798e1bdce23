using RnnStream.Actors.Pipeline;
using RnnStream.Actors.Series;
using RnnStream.Actors.Training;
using RnnStream.Feeds.Parsing;
using RnnStream.Feeds.Sources;
using RnnStream.Model.Specs;
using RnnStream.Model.Training;

namespace RnnStream.Host.Configuration;

/// <summary>A deployment's configuration, read into typed settings (the feed's layout is added once the feed is opened).</summary>
internal sealed class Deployment
{
    public Deployment(DeploymentConfig config)
    {
        Config = config;
        Seed = config.Int("seed");
        FeedType = config.OneOf("feed.type", "file", "synthetic-prices", "synthetic-vitals", "tcp");
        FeedPath = config.PathOf("feed.path");
        Schema = new FeedSchema
        {
            Format = config.Choice("feed.format", ("long", FeedFormat.Long), ("wide", FeedFormat.Wide), ("json", FeedFormat.JsonLines), ("jsonl", FeedFormat.JsonLines)),
            Delimiter = config.String("feed.delimiter") is { Length: 1 } d ? d[0] : throw new ArgumentException("feed.delimiter must be one character"),
            TimestampColumn = config.String("feed.timestamp-column"),
            SeriesColumn = NullIfEmpty(config.String("feed.series-column")),
            FixedSeriesId = NullIfEmpty(config.String("feed.fixed-series-id")) ?? (FeedPath is null ? "series" : Path.GetFileNameWithoutExtension(FeedPath)),
            Features = config.Strings("feed.features"),
            Targets = config.Strings("feed.targets"),
            SkipRowsAfterHeader = config.Int("feed.skip-rows"),
            TimestampPattern = NullIfEmpty(config.String("feed.timestamp-format")),
            MaxLineLength = config.Int("feed.max-line-length"),
            MaxAbsValue = config.Double("feed.max-abs-value"),
            MaxSeries = config.Int("feed.max-series"),
        };
        Columns = config.Strings("feed.columns");
        Pacing = config.OneOf("feed.pacing", "fast", "realtime");
        Speed = config.Double("feed.speed");
        Step = config.Duration("feed.step");
        SyntheticSeries = config.Int("feed.synthetic.series");
        SyntheticTicks = config.Long("feed.synthetic.ticks");
        TcpFeed = new TcpFeedSettings(config.String("feed.tcp.host"), config.Int("feed.tcp.port"))
        {
            MaxLineLength = Schema.MaxLineLength,
            MaxConnections = config.Int("feed.tcp.max-connections") is var cap and > 0 ? cap : throw new ArgumentException("feed.tcp.max-connections must be positive"),
            IdleTimeout = config.Duration("feed.tcp.idle-timeout") ?? throw new ArgumentException("feed.tcp.idle-timeout must be a duration (e.g. 60s)"),
            Acks = config.Bool("feed.tcp.acks"),
            PredictionsBack = config.Bool("feed.tcp.predictions-back"),
        };

        Cell = config.Choice("model.cell", ("simple-rnn", CellType.SimpleRnn), ("lstm", CellType.Lstm), ("gru", CellType.Gru),
            ("simplernn", CellType.SimpleRnn), ("rnn", CellType.SimpleRnn));
        Units = config.Ints("model.layers");
        Activation = config.Choice("model.activation", ("tanh", Activation.Tanh), ("relu", Activation.Relu));
        Head = config.Choice("model.head", ("point", OutputHead.Point), ("gaussian", OutputHead.Gaussian));
        Horizon = config.Int("model.horizon");
        AutoKeysLeft = AutoKeys.LeftAuto(config, AutoKeys.Inputs);
        HoldoutIsAuto = AutoKeys.IsAuto(config, AutoKeys.Holdout);
        SampleHalfLifeIsAuto = AutoKeys.IsAuto(config, AutoKeys.SampleHalfLife);
        DetectionSample = config.PathOf("detection.sample");
        _keptBasis = new Lazy<DetectionBasis?>(() => FeedType is not ("file" or "tcp") ? null
            : KeepsInStore ? DetectionBasisTable.Read(PersistenceConnectionString!) : DetectionBasis.Read(DataDirectory));
        _feedTicks = new Lazy<long?>(() => _keptBasis.Value is { } kept ? kept.FeedTicks : FeedLength.Ticks(FeedType, FeedPath, Schema, SyntheticSeries, SyntheticTicks));
        long? warmUpTicks = AutoKeys.IsAuto(config, "detection.warm-up-ticks") ? null
            : config.Long("detection.warm-up-ticks") is var warmUp and > 0 ? warmUp : throw new ArgumentException("detection.warm-up-ticks must be auto or a positive number of ticks");
        WarmUpTicks = warmUpTicks;
        SocketWait = config.Duration("detection.socket-wait") is var socketWait and (null or { Ticks: > 0 }) ? socketWait
            : throw new ArgumentException("detection.socket-wait must be a positive duration (e.g. 30s), or off");
        _inputs = new Lazy<InputChoices>(() =>
        {
            if (AutoKeysLeft.Count == 0 && !HoldoutIsAuto && !SampleHalfLifeIsAuto) return InputChoices.Undetected("nothing");
            InputChoices AsOnFirstRun(InputChoices chosen) => chosen with
            {
                Basis = KeepsInStore ? $"{chosen.Basis}, as on this store's first run (its {DetectionBasisTable.Name} table)"
                    : $"{chosen.Basis}, as on this data directory's first run ({DetectionBasis.FileName})",
            };
            // Only a socket feed's: a file's resume chooses again from the same first ticks.
            if (FeedType == "tcp" && _keptBasis.Value?.Choices is { } kept) return AsOnFirstRun(kept);
            if (_heldWarmUp is { } held) return held;
            bool asKept = warmUpTicks is null && _keptBasis.Value is { WarmUpTicks: > 0 };
            var choices = FeedWarmUp.Detect(FeedType, FeedPath, Schema, FeedTicks, warmUpTicks ?? (asKept ? _keptBasis.Value!.WarmUpTicks : null), DetectionSample);
            return asKept ? AsOnFirstRun(choices) : choices;
        });
        _timeFeatures = Auto(AutoKeys.TimeFeatures, () => config.Bool(AutoKeys.TimeFeatures), choices => choices.TimeFeatures);
        _seasonalLag = Auto(AutoKeys.SeasonalLag, () => config.Int(AutoKeys.SeasonalLag), choices => choices.SeasonalLag);
        _predictChange = Auto(AutoKeys.Target, () => config.Choice(AutoKeys.Target, ("level", false), ("change", true)), choices => choices.PredictChange);
        _windowLength = Auto(AutoKeys.Window, () => config.Int(AutoKeys.Window), choices => choices.WindowLength);
        _trainEvery = Auto(AutoKeys.TrainEvery, () => config.Int(AutoKeys.TrainEvery), choices => choices.TrainEvery);
        _ridgeLags = Auto(AutoKeys.RidgeLags, () => config.Int(AutoKeys.RidgeLags), choices => choices.RidgeLags);
        Forecaster = config.Choice("series.forecaster", ("best", ForecasterChoice.Best), ("network", ForecasterChoice.Network), ("persistence", ForecasterChoice.Persistence));
        WeightsFile = config.PathOf("model.weights-file");

        Router = new RouterSettings
        {
            MaxInFlight = config.Int("router.max-in-flight"),
            Partitions = config.Int("router.partitions") is var keyGroups and >= 1 and <= 4096 ? keyGroups : throw new ArgumentException("router.partitions must be between 1 and 4096"),
            IdleTimeout = config.Duration("series.idle-timeout"),
        };
        string notBefore = config.String("training.not-before");
        Schedule = new RetrainSchedule
        {
            Mode = config.Choice("training.mode", ("replay", RetrainMode.Replay), ("live", RetrainMode.Live)),
            EveryTicks = config.Long("training.every-ticks"),
            EveryEventTime = config.Duration("training.every-event-time"),
            EveryWallClock = config.Duration("training.every-wall-clock"),
            TakesEffectAfterTicks = config.Long("training.takes-effect-after"),
            NotBefore = string.IsNullOrWhiteSpace(notBefore) ? null : DateTime.Parse(notBefore, System.Globalization.CultureInfo.InvariantCulture),
        };
        // Zero or less would be a retrain at every tick (or a division by zero deep in the stream), not "off": off is 0 ticks or "".
        if (Schedule.EveryTicks < 0) throw new ArgumentException($"training.every-ticks = {Schedule.EveryTicks}: must be a positive number of ticks, or 0 for none");
        if (Schedule.EveryEventTime is { } eventTime && eventTime <= TimeSpan.Zero)
            throw new ArgumentException($"training.every-event-time = {config.String("training.every-event-time")}: must be a positive duration (e.g. 91d), or \"\" for none");
        if (Schedule.EveryWallClock is { } wallClock && wallClock <= TimeSpan.Zero)
            throw new ArgumentException($"training.every-wall-clock = {config.String("training.every-wall-clock")}: must be a positive duration (e.g. 10m), or \"\" for none");
        if (Schedule.TakesEffectAfterTicks < 0)
            throw new ArgumentException("training.takes-effect-after must be 0 (the stream waits at each retrain) or a number of ticks");
        if (Schedule.TakesEffectAfterTicks > 0 && Schedule.EveryTicks > 0 && Schedule.TakesEffectAfterTicks >= Schedule.EveryTicks)
            throw new ArgumentException($"training.takes-effect-after = {Schedule.TakesEffectAfterTicks} must be shorter than training.every-ticks = {Schedule.EveryTicks}: " +
                "each candidate takes effect before the next retrain starts, and checkpoints wait while one is pending");
        AutoTraining = config.Bool("training.auto");
        Retrain = new RetrainSettings
        {
            Options = new TrainingOptions
            {
                Optimizer = config.Choice("training.optimizer", ("adam", OptimizerKind.Adam), ("sgd", OptimizerKind.Sgd)),
                LearningRate = config.Double("training.learning-rate"),
                Momentum = config.Double("training.momentum"),
                ClipNorm = config.Double("training.clip-norm"),
                L2 = config.Double("training.l2"),
                TruncationLength = config.Int("training.truncation"),
                WarmupSteps = config.Int("training.warmup-steps"),
                Shards = config.Int("training.shards"),
                Threads = TrainingThreads(config.String("training.threads")),
            },
            Batches = config.Int("training.batches"),
            BatchSize = config.Int("training.batch-size"),
            // auto: sized to the schedule once it is known (Running.AutoTrainingBudget); until then the fixed defaults.
            HoldoutFraction = HoldoutIsAuto ? 0.2 : OrAuto(AutoKeys.Holdout, () => config.Double(AutoKeys.Holdout)),
            SampleHalfLife = SampleHalfLifeIsAuto ? 0 : OrAuto(AutoKeys.SampleHalfLife, () => config.Double(AutoKeys.SampleHalfLife)),
            MinWindows = config.Int("training.min-windows"),
            Timeout = config.Duration("training.timeout") ?? throw new ArgumentException("training.timeout must be a duration (e.g. 30m)"),
            Seed = Seed,
        };
        ConfigKeyErrors.Named(() =>
        {
            Retrain.Options.Validate();
            return 0;
        });
        ReplayCapacity = config.Int("training.replay-capacity");

        OutputFormat = config.OneOf("output.format", "csv", "jsonl", "console", "tcp", "none");
        PredictionsPath = config.PathOf("output.predictions");
        QuarantinePath = config.PathOf("output.quarantine");
        QuarantineMaxBytes = config.Long("output.quarantine-max-bytes") is var quarantineCap and > 0 ? quarantineCap : throw new ArgumentException("output.quarantine-max-bytes must be positive");
        HttpPort = config.String("http.port") is "off" or "false" ? null
            : config.Int("http.port") is var httpPort and >= 0 and <= 65535 ? httpPort : throw new ArgumentException("http.port must be 0 (any free port), a port number, or off");
        HttpHost = config.String("http.host");
        HttpToken = config.String("http.token");
        FlushEvery = config.Duration("output.flush-every");
        if (FlushEvery is { } flush && flush <= TimeSpan.Zero) throw new ArgumentException("output.flush-every must be a positive duration (e.g. 200ms) or off");
        OutputTcpHost = config.String("output.tcp.host");
        OutputTcpPort = config.Int("output.tcp.port");
        ScoreFrom = config.Long("metrics.score-from");
        DataDirectory = config.PathOf("persistence.data-dir");
        PersistenceProvider = config.OneOf("persistence.provider", "sqlite", "postgresql");
        PersistenceConnectionString = NullIfEmpty(config.String("persistence.connection-string"));
        ResumeFromPrevious = config.Choice("persistence.resume-from", ("last", false), ("previous", true));
        CheckpointEvery = config.Long("persistence.checkpoint-every");
        CheckpointInterval = config.Duration("persistence.checkpoint-interval");
        if (CheckpointEvery < 0) throw new ArgumentException("persistence.checkpoint-every must be 0 (off) or positive");
        if (CheckpointEvery == 0 && CheckpointInterval is null)
            throw new ArgumentException("persistence: set checkpoint-every or checkpoint-interval, or there is only the checkpoint at the end");
        ProgressEvery = config.Duration("metrics.progress-every") ?? TimeSpan.FromSeconds(1);
        ClusterStableAfter = config.Duration("cluster.stable-after") is { } stable && stable > TimeSpan.Zero ? stable
            : throw new ArgumentException("cluster.stable-after must be a positive duration, e.g. 5s");
    }

    /// <summary>How long a cluster's view must be stable before the split-brain resolver downs an unreachable node.</summary>
    public TimeSpan ClusterStableAfter { get; }

    public DeploymentConfig Config { get; }
    public int Seed { get; }
    public string FeedType { get; }
    public string? FeedPath { get; }
    public FeedSchema Schema { get; }
    public IReadOnlyList<string> Columns { get; }
    public string Pacing { get; }
    public double Speed { get; }
    public TimeSpan? Step { get; }
    public int SyntheticSeries { get; }
    public long SyntheticTicks { get; }
    public TcpFeedSettings TcpFeed { get; }

    /// <summary>A TCP feed's clients are acked (<c>feed.tcp.acks</c>): only a run that keeps durable state commits checkpoints to ack.</summary>
    public bool TcpClientsAcked => TcpFeed.Acks && DataDirectory is not null;

    /// <summary>What happened to a TCP feed's connections in this run (nothing for other feeds).</summary>
    public TcpFeedCounters TcpCounters { get; } = new();
    public CellType Cell { get; }
    public IReadOnlyList<int> Units { get; }
    public Activation Activation { get; }
    public OutputHead Head { get; }
    public int Horizon { get; }
    public bool TimeFeatures => _timeFeatures.Value;
    public int SeasonalLag => _seasonalLag.Value;
    public ForecasterChoice Forecaster { get; }
    public bool PredictChange => _predictChange.Value;
    public int WindowLength => _windowLength.Value;
    public int TrainEvery => _trainEvery.Value;
    public int RidgeLags => _ridgeLags.Value;

    /// <summary>training.holdout and training.sample-half-life left at auto: sized to the retrain schedule.</summary>
    public bool HoldoutIsAuto { get; }
    public bool SampleHalfLifeIsAuto { get; }

    /// <summary>The input keys this deployment leaves at auto (<see cref="AutoKeys.Inputs"/>).</summary>
    public IReadOnlyList<string> AutoKeysLeft { get; }

    /// <summary>What the auto keys became, read from the feed's warm-up the first time one is asked for.</summary>
    public InputChoices Inputs => _inputs.Value;

    /// <summary>The first line's account of the auto keys; empty when the deployment sets them all.</summary>
    public string InputsSaid => Inputs.Describe(AutoKeysLeft);

    /// <summary>
    /// Ticks a replay will bring, if known up front (<see cref="FeedLength"/>); counted once. On a
    /// data directory that kept its first run's basis, the length that run counted.
    /// </summary>
    public long? FeedTicks => _feedTicks.Value;

    /// <summary>
    /// What a data directory's first run chose its auto keys from, to keep for its resumes: for a
    /// socket feed, the choices themselves; null for a generated feed, or a socket feed with no key at auto.
    /// </summary>
    public DetectionBasis? BasisToKeep => FeedType switch
    {
        "file" => new DetectionBasis(Inputs.WarmUpTicks, FeedTicks),
        "tcp" when AutoKeysLeft.Count > 0 => new DetectionBasis(Inputs.WarmUpTicks, null) { Choices = Inputs },
        _ => null,
    };

    /// <summary>detection.warm-up-ticks: a number of ticks, or null for auto.</summary>
    public long? WarmUpTicks { get; }

    /// <summary>detection.socket-wait: how long a socket feed's warm-up is held after its first tick; null: not held (the fixed defaults).</summary>
    public TimeSpan? SocketWait { get; }

    /// <summary>
    /// A socket feed run on one node, with keys at auto and nothing else to choose them from (no
    /// detection.sample, no choices kept by a first run): its first ticks are held and chosen from
    /// (Running.SocketWarmUp), then <see cref="ChooseFrom"/> is told what they chose.
    /// </summary>
    public bool HoldsSocketWarmUp => FeedType == "tcp" && AutoKeysLeft.Count > 0 && DetectionSample is null && SocketWait is not null
                                     && _keptBasis.Value?.Choices is null;

    /// <summary>The choices a socket feed's held warm-up made; before any key that depends on them is read.</summary>
    public void ChooseFrom(InputChoices held)
    {
        if (_inputs.IsValueCreated) throw new InvalidOperationException("the auto keys were read before the socket feed's warm-up chose them");
        _heldWarmUp = held;
    }

    private InputChoices? _heldWarmUp;

    /// <summary>
    /// Keeps <see cref="BasisToKeep"/> where the durable state is, unless the first run's is there: a
    /// file in the data directory beside SQLite, a row in the shared PostgreSQL (every node of a
    /// cluster reads that one). Nothing without a data directory.
    /// </summary>
    public void KeepBasis()
    {
        if (DataDirectory is null || BasisToKeep is not { } basis) return;
        if (KeepsInStore) DetectionBasisTable.Keep(basis, PersistenceConnectionString!);
        else basis.KeepIn(DataDirectory);
    }

    /// <summary>What a first run chose (its detection basis, its model) lives in the shared PostgreSQL store, not in this process's data directory.</summary>
    public bool KeepsInStore => DataDirectory is not null && PersistenceProvider == "postgresql" && PersistenceConnectionString is not null;

    private readonly Lazy<DetectionBasis?> _keptBasis;

    /// <summary>detection.sample: past ticks of a socket feed to choose its auto keys from; null when none.</summary>
    public string? DetectionSample { get; }

    private readonly Lazy<long?> _feedTicks;
    private readonly Lazy<InputChoices> _inputs;
    private readonly Lazy<bool> _timeFeatures;
    private readonly Lazy<int> _seasonalLag;
    private readonly Lazy<bool> _predictChange;
    private readonly Lazy<int> _windowLength;
    private readonly Lazy<int> _trainEvery;
    private readonly Lazy<int> _ridgeLags;

    /// <summary>A key's value: its own when set, else (auto) the warm-up's choice, worked out when first asked for.</summary>
    private Lazy<T> Auto<T>(string key, Func<T> own, Func<InputChoices, T> chosen)
    {
        return AutoKeysLeft.Contains(key) ? new Lazy<T>(() => chosen(Inputs)) : new Lazy<T>(OrAuto(key, own));
    }
    public string? WeightsFile { get; }
    public RouterSettings Router { get; }
    /// <summary>The retrain triggers the keys set; with none set, see <see cref="AutoTraining"/>.</summary>
    public RetrainSchedule Schedule { get; }

    /// <summary>With no trigger key set: retrain on a schedule derived from the feed (Running.AutoSchedule), or never.</summary>
    public bool AutoTraining { get; }
    public RetrainSettings Retrain { get; }
    public int ReplayCapacity { get; }
    public string OutputFormat { get; }
    public string? PredictionsPath { get; }
    public string? QuarantinePath { get; }
    public long QuarantineMaxBytes { get; }

    /// <summary>The live service's port (0: any free one); null: no service.</summary>
    public int? HttpPort { get; }

    public string HttpHost { get; }
    public string HttpToken { get; }

    /// <summary>How often the output files are flushed while the run goes on; null: only at checkpoints and at the end.</summary>
    public TimeSpan? FlushEvery { get; }
    public string OutputTcpHost { get; }
    public int OutputTcpPort { get; }
    public long ScoreFrom { get; }

    /// <summary>Where durable state lives; null: nothing is kept.</summary>
    public string? DataDirectory { get; }
    public string PersistenceProvider { get; }
    public string? PersistenceConnectionString { get; }

    /// <summary>Resume from the commit before the last one (the way back when the last is damaged).</summary>
    public bool ResumeFromPrevious { get; }
    public long CheckpointEvery { get; }
    public TimeSpan? CheckpointInterval { get; }
    public TimeSpan ProgressEvery { get; }

    /// <summary>The network for a feed with these features and targets.</summary>
    public ModelSpec Spec(int features, int targets) => ConfigKeyErrors.Named(() =>
        new ModelSpec(SeriesSettings.NetworkInputsFor(features, targets, TimeFeatures, SeasonalLag),
            Units.Select(u => new LayerSpec(Cell, u, Cell == CellType.SimpleRnn ? Activation : Activation.Tanh)).ToArray(),
            targets, Horizon, Head));

    public SeriesSettings Series(IReadOnlyList<string> features, IReadOnlyList<int> targets) => ConfigKeyErrors.Named(() =>
    {
        var settings = UncheckedSeries(features, targets);
        settings.Validate();
        return settings;
    });

    private SeriesSettings UncheckedSeries(IReadOnlyList<string> features, IReadOnlyList<int> targets) => new()
    {
        FeatureNames = features,
        TargetIndices = targets,
        Horizon = Horizon,
        TimeFeatures = TimeFeatures,
        NormalizerForgetting = Config.Double("series.normalizer-forgetting"),
        Forecaster = Forecaster,
        ChoiceForgetting = Config.Double("series.choice-forgetting"),
        ChoiceMargin = Config.Double("series.choice-margin"),
        RidgeLags = RidgeLags,
        SeasonalLag = SeasonalLag,
        PredictChange = PredictChange,
        WindowLength = WindowLength,
        TrainEvery = TrainEvery,
        IntervalZ = Config.Double("series.interval-z"),
        ResidualForgetting = Config.Double("series.residual-forgetting"),
        Step = Step,
    };

    /// <summary>An auto key's own value; a value of the wrong kind is an error that says auto is allowed too.</summary>
    private static T OrAuto<T>(string key, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (ArgumentException e) when (e.Message.StartsWith(key, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{e.Message}, or auto");
        }
    }

    /// <summary>training.threads: auto (one per core) or a number.</summary>
    private static int TrainingThreads(string text) =>
        text is "auto" or "" ? Environment.ProcessorCount
        : int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out int threads) ? threads
        : throw new ArgumentException($"training.threads '{text}' is not auto or a number of threads");

    private static string? NullIfEmpty(string text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
