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

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+cmd", "'+cmd")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("-abc", "'-abc")]
    [InlineData("-2.5", "-2.5")]
    [InlineData("+1e3", "+1e3")]
    [InlineData("\"", "\"\"\"\"")]
    [InlineData("line\r\nbreak", "\"line\r\nbreak\"")]
    [InlineData("", "")]
    public void A_field_is_written_quoted_when_it_must_be_and_never_as_a_spreadsheet_formula(string text, string written)
    {
        Assert.Equal(written, CsvFields.Quote(text));
        // The output's way, with no string made, writes the same, within the room it is promised.
        var room = new char[CsvFields.MostWritten(text.Length)];
        Assert.Equal(written, new string(room, 0, CsvFields.Write(text, room)));
    }
}
