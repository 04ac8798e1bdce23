using System.Globalization;

namespace RnnStream.Feeds.Parsing;

/// <summary>
/// Another system's forecasts of one series, read from a CSV that holds the truth and the forecast
/// per row (the cui2016 files: `timestamp,data,prediction-5step`, two type rows, the forecast on row
/// i made after row i for row i + horizon). Rows are numbered as lines of the file, like feed offsets,
/// so a "score from" offset means the same row in both.
/// </summary>
public sealed class PredictionFile
{
    private PredictionFile(string name, double[] truth, double[] forecast, long firstOffset)
    {
        Name = name;
        Truth = truth;
        Forecast = forecast;
        FirstOffset = firstOffset;
    }

    public string Name { get; }
    public double[] Truth { get; }
    public double[] Forecast { get; }

    /// <summary>File line of the first data row.</summary>
    public long FirstOffset { get; }

    /// <summary>Names the truth column goes by in the cui2016 files.</summary>
    private static readonly string[] TruthColumns = ["data", "passenger_count", "value"];

    public static PredictionFile Read(string name, string path, string forecastColumn = "prediction-5step", int skipRows = 2)
    {
        using var reader = new StreamReader(path);
        string header = reader.ReadLine() ?? throw new InvalidDataException($"'{path}' is empty");
        var columns = header.Split(',').Select(c => c.Trim().Trim('"')).ToList();
        int truthIndex = TruthColumns.Select(c => columns.IndexOf(c)).FirstOrDefault(i => i >= 0, -1);
        int forecastIndex = columns.IndexOf(forecastColumn);
        if (truthIndex < 0 || forecastIndex < 0)
            throw new InvalidDataException($"'{path}' needs a truth column ({string.Join(" or ", TruthColumns)}) and '{forecastColumn}' (it has {string.Join(", ", columns)})");
        for (int i = 0; i < skipRows; i++) reader.ReadLine();
        var truth = new List<double>();
        var forecast = new List<double>();
        while (reader.ReadLine() is { } line)
        {
            var fields = line.Split(',');
            truth.Add(Parse(fields, truthIndex));
            forecast.Add(Parse(fields, forecastIndex));
        }
        return new PredictionFile(name, truth.ToArray(), forecast.ToArray(), 1 + skipRows);
    }

    private static double Parse(string[] fields, int index) =>
        index < fields.Length && double.TryParse(fields[index], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : double.NaN;
}
