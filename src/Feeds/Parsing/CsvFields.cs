namespace RnnStream.Feeds.Parsing;

/// <summary>
/// CSV fields, read and written by one rule: the delimiter separates, double quotes may enclose a
/// field and a doubled quote inside stands for one. Records span one line (feeds are line-oriented).
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

    /// <summary>As <see cref="Text"/>, in place in the line, where no doubled quote has to be undone (then allocating nothing).</summary>
    public static ReadOnlySpan<char> Field(ReadOnlySpan<char> line, Range field)
    {
        var span = line[field];
        return span.Contains("\"\"", StringComparison.Ordinal) ? span.ToString().Replace("\"\"", "\"") : span;
    }

    /// <summary>
    /// A text field as CSV writes it: quoted, with its quotes doubled, when it holds a delimiter, a
    /// quote or a line break; and, when it starts like a spreadsheet formula (=, +, -, @) without
    /// being a number, led by an apostrophe, so a spreadsheet that opens the file shows it as text
    /// instead of running it.
    /// </summary>
    public static string Quote(string text)
    {
        if (LooksLikeFormula(text)) text = "'" + text;
        return text.AsSpan().IndexOfAny(QuotedFor) >= 0 ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;
    }

    /// <summary>The most characters <see cref="Write"/> makes of a text of <paramref name="length"/> characters (every one a doubled quote, an apostrophe and two quotes around).</summary>
    public static int MostWritten(int length) => 2 * length + 3;

    /// <summary>
    /// What <see cref="Quote"/> makes of <paramref name="text"/>, written into <paramref name="destination"/>
    /// (room for <see cref="MostWritten"/>) with no string made (an output writes every prediction's fields); returns the characters written.
    /// </summary>
    public static int Write(ReadOnlySpan<char> text, Span<char> destination)
    {
        bool quoted = text.IndexOfAny(QuotedFor) >= 0;
        int written = 0;
        if (quoted) destination[written++] = '"';
        if (LooksLikeFormula(text)) destination[written++] = '\'';
        if (!quoted)
        {
            text.CopyTo(destination[written..]);
            return written + text.Length;
        }
        for (int quote = text.IndexOf('"'); quote >= 0; quote = text.IndexOf('"'))
        {
            text[..(quote + 1)].CopyTo(destination[written..]);
            written += quote + 1;
            destination[written++] = '"';
            text = text[(quote + 1)..];
        }
        text.CopyTo(destination[written..]);
        written += text.Length;
        destination[written++] = '"';
        return written;
    }

    private static bool LooksLikeFormula(ReadOnlySpan<char> text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@'
        && !double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);

    private static readonly System.Buffers.SearchValues<char> QuotedFor = System.Buffers.SearchValues.Create(",\"\n\r");
}
