namespace RnnStream.Feeds.Records;

/// <summary>Why a raw record did not become a tick. Each has its own counter and quarantine line.</summary>
public enum RejectReason
{
    EmptyLine,
    NonNumeric,
    NonFinite,
    WrongFeatureCount,
    MissingField,
    UnparseableTimestamp,
    TimestampNotIncreasing,
    AbsurdMagnitude,
    LineTooLong,
    InvalidEncoding,
    MalformedSeriesId,
    TooManySeries,
    MalformedJson,
    TruncatedLine,
}
