using System.Text;
using RnnStream.Feeds.Sources;
using Xunit;

namespace RnnStream.Feeds.Tests.Sources;

/// <summary>A socket's reads cut into lines, in runs: lines across reads, CRLF, an over-long line, a line cut off by the end, UTF-8 split between reads.</summary>
public sealed class LineFramerTests
{
    [Fact]
    public void Lines_split_across_reads_come_whole_and_an_over_long_line_is_cut_one_past_the_limit()
    {
        var framer = new LineFramer(maxLineLength: 10, new LineRunPool());
        framer.Frame("first\nsec"u8);
        var first = framer.Take()!;
        Assert.Equal([new RawLine("first", 0)], first.Lines());
        Assert.Null(framer.Take());

        framer.Frame(Encoding.UTF8.GetBytes("ond\r\n" + new string('x', 50)));
        framer.Frame("yyy\nlast"u8);
        framer.Finish();
        var lines = framer.Take()!.Lines();

        Assert.Equal(3, lines.Count);
        Assert.Equal(new RawLine("second", 0), lines[0]);
        Assert.Equal(new string('x', 11), lines[1].Text);
        // The connection ended inside a line: it comes last, marked as cut off.
        Assert.Equal(new RawLine("last", 2, Truncated: true), lines[2]);
    }

    [Fact]
    public void A_line_longer_than_the_limit_within_one_read_is_cut_the_same_and_the_next_line_is_whole()
    {
        var framer = new LineFramer(maxLineLength: 10, new LineRunPool());
        framer.Frame(Encoding.UTF8.GetBytes(new string('z', 40) + "\r\nnext\n"));
        Assert.Equal([new string('z', 11), "next"], framer.Take()!.Lines().Select(line => line.Text));
        framer.Finish();
        Assert.Null(framer.Take());
    }

    [Fact]
    public void Utf8_split_between_reads_decodes_whole_and_a_run_given_back_is_filled_again()
    {
        var pool = new LineRunPool();
        var framer = new LineFramer(maxLineLength: 100, pool);
        byte[] text = Encoding.UTF8.GetBytes("é,1\nü,2\n");
        // The two bytes of "é" in two reads.
        framer.Frame(text.AsSpan(0, 1));
        Assert.Equal(0, framer.Count);
        framer.Frame(text.AsSpan(1));
        var first = framer.Take()!;
        Assert.Equal(["é,1", "ü,2"], first.Lines().Select(line => line.Text));

        first.Release();
        framer.Frame("a,3\n"u8);
        var second = framer.Take()!;
        Assert.Same(first, second);
        Assert.Equal(["a,3"], second.Lines().Select(line => line.Text));
        Assert.False(second.Ended);
    }
}
