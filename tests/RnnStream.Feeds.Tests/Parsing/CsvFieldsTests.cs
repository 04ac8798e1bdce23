using RnnStream.Feeds.Parsing;
using Xunit;

namespace RnnStream.Feeds.Tests.Parsing;

public sealed class CsvFieldsTests
{
    [Theory]
    [InlineData("a,b,c", new[] { "a", "b", "c" })]
    [InlineData("\"a,1\",b", new[] { "a,1", "b" })]
    [InlineData("\"say \"\"hi\"\"\",x", new[] { "say \"hi\"", "x" })]
    [InlineData("a,,c,", new[] { "a", "", "c", "" })]
    [InlineData("", new[] { "" })]
    public void Fields_split_on_the_delimiter_outside_quotes(string line, string[] expected)
    {
        var ranges = new Range[8];
        int count = CsvFields.Split(line, ',', ranges);
        Assert.Equal(expected, ranges[..count].Select(r => CsvFields.Text(line, r)));
    }
}
