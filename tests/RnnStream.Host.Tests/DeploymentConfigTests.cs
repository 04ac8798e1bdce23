using RnnStream.Host.Configuration;
using RnnStream.Model.Specs;
using Xunit;

namespace RnnStream.Host.Tests;

public sealed class DeploymentConfigTests
{
    [Fact]
    public void Every_deployment_file_loads_on_top_of_the_reference()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "config"), "*.conf").Where(f => !f.EndsWith("reference.conf")))
        {
            var deployment = new Deployment(DeploymentConfig.Load(file, []));
            Assert.NotEmpty(deployment.Units);
        }
    }

    [Theory]
    [InlineData("feed.type", "files", "file, synthetic-prices, synthetic-vitals, tcp")]
    [InlineData("feed.format", "csv", "long, wide, json, jsonl")]
    [InlineData("feed.pacing", "slow", "fast, realtime")]
    [InlineData("model.cell", "transformer", "simple-rnn, lstm, gru, simplernn, rnn")]
    [InlineData("model.activation", "sigmoid", "tanh, relu")]
    [InlineData("model.head", "gauss", "point, gaussian")]
    [InlineData("series.forecaster", "ridge", "best, network, persistence")]
    [InlineData("series.target", "levels", "level, change, or auto")]
    [InlineData("training.mode", "online", "replay, live")]
    [InlineData("training.optimizer", "rmsprop", "adam, sgd")]
    [InlineData("output.format", "parquet", "csv, jsonl, console, tcp, none")]
    [InlineData("persistence.provider", "sqlserver", "sqlite, postgresql")]
    public void An_unknown_value_of_an_enumerated_key_is_an_error_naming_the_key_and_what_it_allows(string key, string value, string allowed)
    {
        var error = Assert.Throws<ArgumentException>(() => new Deployment(DeploymentConfig.Load(RepositoryPaths.Config("prices.conf"), [$"{key}={value}"])));
        Assert.Equal($"{key} '{value}' is not one of: {allowed}", error.Message);
    }

    [Fact]
    public void Overrides_win_and_paths_resolve_against_the_config_file()
    {
        var config = DeploymentConfig.Load(RepositoryPaths.Config("prices.conf"), ["model.cell=lstm", "rnnstream.model.horizon=3", "training.every-event-time=7d"]);
        var deployment = new Deployment(config);
        Assert.Equal(CellType.Lstm, deployment.Cell);
        Assert.Equal(3, deployment.Horizon);
        Assert.Equal(TimeSpan.FromDays(7), deployment.Schedule.EveryEventTime);
        Assert.Equal(Path.Combine(RepositoryPaths.Root, "data", "prices", "dow30_close_daily.csv"), deployment.FeedPath);
    }

    [Fact]
    public void A_relative_path_set_on_the_command_line_is_relative_to_the_current_directory_quoted_or_not()
    {
        foreach (var value in new[] { "my/data.csv", "\"my/data.csv\"" })
        {
            var deployment = new Deployment(DeploymentConfig.Load(RepositoryPaths.Config("prices.conf"), [$"feed.path={value}"]));
            Assert.Equal(Path.Combine(Directory.GetCurrentDirectory(), "my", "data.csv"), deployment.FeedPath);
        }
    }

    [Fact]
    public void A_path_with_characters_HOCON_reserves_survives_an_override()
    {
        var deployment = new Deployment(DeploymentConfig.Load(null, ["feed.path=/tmp/a:b/c d.csv"]));
        Assert.Equal("/tmp/a:b/c d.csv", deployment.FeedPath);
    }

    [Fact]
    public void Unknown_keys_are_refused_by_name()
    {
        Assert.Contains("rnnstream.model.cells", Assert.Throws<ArgumentException>(() => DeploymentConfig.Load(null, ["model.cells=gru"])).Message);
        string file = Path.Combine(Path.GetTempPath(), $"rnnstream-{Guid.NewGuid():N}.conf");
        File.WriteAllText(file, "rnnstream { model { horizn = 2 } }");
        try
        {
            Assert.Contains("rnnstream.model.horizn", Assert.Throws<ArgumentException>(() => DeploymentConfig.Load(file, [])).Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("training.every-event-time=0s", "training.every-event-time = 0s: must be a positive duration")]
    [InlineData("training.every-wall-clock=0m", "training.every-wall-clock = 0m: must be a positive duration")]
    [InlineData("training.every-ticks=-5", "training.every-ticks = -5: must be a positive number of ticks, or 0 for none")]
    public void A_retrain_period_of_zero_or_less_is_refused_rather_than_read_as_off(string assignment, string said)
    {
        var error = Assert.Throws<ArgumentException>(() => new Deployment(DeploymentConfig.Load(null, [assignment])));
        Assert.StartsWith(said, error.Message);
    }

    [Fact]
    public void A_bad_value_is_refused_naming_the_key()
    {
        Assert.Contains("model.cell", Assert.Throws<ArgumentException>(() => new Deployment(DeploymentConfig.Load(null, ["model.cell=transformer"]))).Message);
    }

    [Theory]
    [InlineData("model.horizon=abc", "model.horizon = 'abc' is not a whole number")]
    [InlineData("feed.step=abc", "feed.step = 'abc' is not a duration")]
    [InlineData("training.learning-rate=fast", "training.learning-rate = 'fast' is not a number")]
    [InlineData("series.idle-timeout=10q", "series.idle-timeout = '10q' is not a duration")]
    [InlineData("persistence.checkpoint-every=many", "persistence.checkpoint-every = 'many' is not a whole number")]
    [InlineData("series.window=big", "series.window = 'big' is not a whole number, or auto")]
    [InlineData("training.holdout=most", "training.holdout = 'most' is not a number, or auto")]
    public void A_value_of_the_wrong_type_names_the_key_the_value_and_the_type_wanted(string assignment, string said)
    {
        var error = Assert.Throws<ArgumentException>(() => new Deployment(DeploymentConfig.Load(null, [assignment])));
        Assert.StartsWith(said, error.Message);
    }

    [Fact]
    public void A_single_number_for_the_layers_is_one_layer()
    {
        Assert.Equal([32], new Deployment(DeploymentConfig.Load(null, ["model.layers=32"])).Units);
        Assert.Equal([64, 16], new Deployment(DeploymentConfig.Load(null, ["model.layers=[64, 16]"])).Units);
    }

    [Fact]
    public void A_value_out_of_range_is_named_by_its_key_not_by_the_field_it_was_copied_into()
    {
        Assert.Equal("model.horizon: must be at least 1 step, was 0",
            Assert.Throws<ArgumentException>(() => new Deployment(DeploymentConfig.Load(null, ["model.horizon=0"])).Spec(1, 1)).Message);
        Assert.Equal("model.layers: must be between 1 and 1024, was 0",
            Assert.Throws<ArgumentException>(() => new Deployment(DeploymentConfig.Load(null, ["model.layers=[0]"])).Spec(1, 1)).Message);
        Assert.StartsWith("series.window = 2: must exceed the horizon",
            Assert.Throws<ArgumentException>(() => new Deployment(DeploymentConfig.Load(null, ["series.window=2"])).Series(["x"], [0])).Message);
        Assert.StartsWith("training.learning-rate = -1: must be a positive number",
            Assert.Throws<ArgumentException>(() => new Deployment(DeploymentConfig.Load(null, ["training.learning-rate=-1"]))).Message);
    }

    [Fact]
    public void A_candidate_that_would_take_effect_after_the_next_retrain_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new Deployment(DeploymentConfig.Load(null, ["training.every-ticks=1000", "training.takes-effect-after=1000"])));
        Assert.StartsWith("training.takes-effect-after = 1000 must be shorter than training.every-ticks = 1000", error.Message);
        Assert.Equal(999, new Deployment(DeploymentConfig.Load(null, ["training.every-ticks=1000", "training.takes-effect-after=999"])).Schedule.TakesEffectAfterTicks);
    }
}
