using Xunit;

namespace RnnStream.Host.Tests;

public sealed class SummaryCommandTests
{
    [Fact]
    public void Summary_prints_Keras_parameter_counts_for_a_stack()
    {
        var output = new StringWriter();
        int exit = CommandLine.Build(output).Parse(["summary", "--cell", "Gru", "--units", "64", "32", "--inputs", "4"]).Invoke();
        Assert.Equal(0, exit);
        string text = output.ToString();
        Assert.Contains("13,440", text);
        Assert.Contains("9,408", text);
        Assert.Contains("Total params: 22,881", text);
    }

    [Fact]
    public void Summary_of_a_deployment_says_what_its_auto_keys_became_since_the_inputs_depend_on_them()
    {
        var output = new StringWriter();
        int exit = CommandLine.Build(output).Parse(["summary", "--config", RepositoryPaths.Config("taxi.conf")]).Invoke();
        Assert.Equal(0, exit);
        string text = output.ToString();
        // The passenger count, four calendar inputs (the day and the week) and the 5-step change a week before.
        Assert.Contains("time features on", text);
        Assert.Contains("seasonal lag 336", text);
        Assert.Contains("(inputs 6, horizon 5", text);
    }
}
