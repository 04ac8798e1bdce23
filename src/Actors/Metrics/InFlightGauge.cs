using System.Runtime.InteropServices;

namespace RnnStream.Actors.Metrics;

/// <summary>
/// Ticks between the router's inlet and their prediction's delivery, written by the router on
/// every tick and read only when an exporter collects. It sits alone on its cache line: beside the
/// run's other figures, which the key groups read on every tick from other cores, each write would
/// take that line away from them.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
public sealed class InFlightGauge
{
    [FieldOffset(64)]
    private int _ticks;

    public int Ticks => Volatile.Read(ref _ticks);

    public void Set(int ticks) => Volatile.Write(ref _ticks, ticks);
}
