namespace RnnStream.Actors.Persistence;

/// <summary>Marks what goes into the journal; bound to <see cref="PersistedRecordSerializer"/>, so nothing there is written by type name.</summary>
public interface IPersistedRecord;
