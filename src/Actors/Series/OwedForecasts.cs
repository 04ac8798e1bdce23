namespace RnnStream.Actors.Series;

/// <summary>
/// One horizon slot of a series' owed forecasts: what each candidate forecast for the tick that is
/// due <c>horizon</c> ticks after it was made, K values per block, NaN while nothing is owed. The
/// blocks' order is part of the persisted series state (format 3): published, lower, upper,
/// persistence, network, ridge, blend; format 2 lacked the last.
/// </summary>
internal readonly ref struct OwedForecasts(Span<float> slot, int targets)
{
    private const int Blocks = 7;
    private readonly Span<float> _slot = slot;
    private readonly int _k = targets;

    /// <summary>Floats per horizon slot for <paramref name="targets"/> targets.</summary>
    public static int Stride(int targets) => Blocks * targets;

    public bool IsOwed => !float.IsNaN(_slot[0]);

    public ref float Published(int target) => ref _slot[target];
    public ref float Lower(int target) => ref _slot[_k + target];
    public ref float Upper(int target) => ref _slot[2 * _k + target];
    public ref float Persistence(int target) => ref _slot[3 * _k + target];
    public ref float Network(int target) => ref _slot[4 * _k + target];
    public ref float Ridge(int target) => ref _slot[5 * _k + target];
    public ref float Blend(int target) => ref _slot[6 * _k + target];

    /// <summary>Published, lower, upper, persistence and network, in the order an outcome holds them after the actual values.</summary>
    public ReadOnlySpan<float> OutcomeBlocks => _slot[..(5 * _k)];
}
