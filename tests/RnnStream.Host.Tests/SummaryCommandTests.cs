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
}
