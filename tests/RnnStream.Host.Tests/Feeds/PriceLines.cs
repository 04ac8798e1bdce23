using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace RnnStream.Host.Tests.Feeds;

/// <summary>What a client of config/live.conf sends: one JSON object per line, a bar a minute per ticker, a smooth price.</summary>
internal static class PriceLines
{
    public static Task Send(TcpClient client, IEnumerable<string> lines, CancellationToken cancellation) =>
        client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(string.Concat(lines)), cancellation).AsTask();

    /// <summary>The time of minute <paramref name="minute"/>, as the lines write it and their predictions quote it.</summary>
    public static string Time(int minute) => new DateTime(2024, 1, 1).AddMinutes(minute).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Every ticker's bar of each minute, minute by minute.</summary>
    public static IEnumerable<string> Lines(string[] tickers, int minutes) =>
        from minute in Enumerable.Range(0, minutes)
        from id in tickers
        let close = (10 + Math.Sin(minute * 0.5 + id[^1]) + minute * 0.05).ToString("0.####", CultureInfo.InvariantCulture)
        select $"{{\"timestamp\":\"{Time(minute)}\",\"ticker\":\"{id}\",\"open\":{close},\"high\":{close},\"low\":{close},\"close\":{close}}}\n";
}
