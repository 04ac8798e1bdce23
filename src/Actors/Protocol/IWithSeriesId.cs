namespace RnnStream.Actors.Protocol;

/// <summary>Every message meant for one series names it, so one extractor can route it locally or across a cluster.</summary>
public interface IWithSeriesId
{
    string SeriesId { get; }
}
