using Akka.Actor;
using RnnStream.Actors.Series;

namespace RnnStream.Actors.Protocol;

/// <summary>The parent started (or restarted) a series' actor: later ticks can go to it directly.</summary>
public sealed record SeriesStarted(string SeriesId, IActorRef Actor) : IWithSeriesId;

/// <summary>The series has been idle: stop its actor and keep its state.</summary>
public sealed record Passivate(string SeriesId) : IWithSeriesId;

/// <summary>To a series actor from its parent: hand over your state and stop.</summary>
public sealed record StopAndHandOver(string SeriesId) : IWithSeriesId;

/// <summary>From a stopping series actor to its parent: the state to start the next incarnation from.</summary>
public sealed record HandedOver(string SeriesId, SeriesState State) : IWithSeriesId;

/// <summary>Asks a series actor for a copy of its state (tests and diagnostics).</summary>
public sealed record GetSeriesState(string SeriesId) : IWithSeriesId;
