namespace RnnStream.Model.Weights;

/// <summary>
/// The one rule for every versioned binary format of ours (weights file, series state, snapshots,
/// checkpoint cut, scores): a reader reads every version a release ever wrote, from its oldest on,
/// and refuses a newer one with a message that says so, rather than misreading it.
/// </summary>
public static class FormatVersions
{
    /// <exception cref="InvalidDataException">The version is newer than this build, or older than any release wrote.</exception>
    public static void Check(string format, int version, int oldest, int newest)
    {
        if (version > newest)
            throw new InvalidDataException($"{format} format {version} was written by a newer rnnstream; this build reads formats {oldest} to {newest}");
        if (version < oldest)
            throw new InvalidDataException($"{format} format {version} is not one any release wrote to disk; this build reads formats {oldest} to {newest}");
    }
}
