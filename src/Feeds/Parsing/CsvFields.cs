namespace RnnStream.Feeds.Parsing;

/// <summary>
/// Splits one CSV line into fields: the delimiter separates, double quotes may enclose a field and
/// a doubled quote inside stands for one. Records span one line (feeds are line-oriented).
/// </summary>
public static class CsvFields
{
    /// <summary>Writes each field's (start, length) into <paramref name="fields"/>; returns the count (may exceed the span's length, then only the first are written).</summary>
    public static int Split(ReadOnlySpan<char> line, char delimiter, Span<Range> fields)
    {
        int count = 0, i = 0;
        while (true)
        {
            int start = i;
            int end;
            if (i < line.Length && line[i] == '"')
            {
                int close = i + 1;
                while (close < line.Length && !(line[close] == '"' && (close + 1 >= line.Length || line[close + 1] != '"')))
                    close += line[close] == '"' ? 2 : 1;
                start = i + 1;
                end = Math.Min(close, line.Length);
                i = Math.Min(close + 1, line.Length);
                while (i < line.Length && line[i] != delimiter) i++;
            }
            else
            {
                while (i < line.Length && line[i] != delimiter) i++;
                end = i;
            }
            if (count < fields.Length) fields[count] = new Range(start, end);
            count++;
            if (i >= line.Length) return count;
            i++;
        }
    }

    /// <summary>The field's text with enclosing quotes removed and doubled quotes undone.</summary>
    public static string Text(ReadOnlySpan<char> line, Range field)
    {
        var span = line[field];
        return span.Contains("\"\"", StringComparison.Ordinal) ? span.ToString().Replace("\"\"", "\"") : span.ToString();
    }
}
