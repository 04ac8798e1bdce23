namespace RnnStream.Feeds.Records;

/// <summary>A raw record set aside, with the reason and a human-readable detail.</summary>
public sealed record Rejected(string Raw, RejectReason Reason, string Detail, long Offset) : FeedRecord
{
    public override long Offset { get; } = Offset;
}
