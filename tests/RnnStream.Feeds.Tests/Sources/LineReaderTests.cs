using RnnStream.Feeds.Sources;
using Xunit;

namespace RnnStream.Feeds.Tests.Sources;

public sealed class LineReaderTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(64)]
    public void Lines_end_where_ReadLine_ends_them_whatever_the_buffer_cuts(int bufferSize)
    {
        // Texts of "\r", "\n" and letters, so every way a line can end falls at every place a buffer can end.
        var random = new Random(bufferSize);
        for (int text = 0; text < 500; text++)
        {
            var chars = new char[random.Next(0, 40)];
            for (int i = 0; i < chars.Length; i++) chars[i] = "ab\r\n"[random.Next(4)];
            string sample = new(chars);

            var expected = new List<string>();
            using (var reference = new StringReader(sample))
                while (reference.ReadLine() is { } line) expected.Add(line);
            var read = new List<string>();
            var reader = new LineReader(new StringReader(sample), bufferSize);
            while (reader.TryRead(out var line)) read.Add(line.ToString());

            Assert.True(expected.SequenceEqual(read), $"'{sample.Replace("\r", "\\r").Replace("\n", "\\n")}': [{string.Join("|", expected)}] against [{string.Join("|", read)}]");
        }
    }

    [Fact]
    public void A_line_longer_than_the_buffer_comes_whole()
    {
        string longLine = new('x', 1000);
        var reader = new LineReader(new StringReader($"{longLine}\r\nshort"), bufferSize: 16);

        Assert.True(reader.TryRead(out var first));
        Assert.Equal(longLine, first.ToString());
        Assert.True(reader.TryRead(out var second));
        Assert.Equal("short", second.ToString());
        Assert.False(reader.TryRead(out _));
    }
}
