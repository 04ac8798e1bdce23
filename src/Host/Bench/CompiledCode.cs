namespace RnnStream.Host.Bench;

/// <summary>
/// What the runtime's compiler has done so far: methods compiled and the time spent compiling them.
/// The runtime tiers hot code up in the background, on one of the two cores, so the bench reads
/// this before and after each measured part and states the difference beside the figure: a run
/// that was still compiling is told apart from one that was slow.
/// </summary>
internal readonly record struct CompiledCode(long Methods, TimeSpan Time)
{
    public static CompiledCode SoFar() => new(System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());

    public CompiledCode Since(CompiledCode before) => new(Methods - before.Methods, Time - before.Time);

    /// <summary>As a clause for a bench line.</summary>
    public string Describe() => $"{Methods} methods compiled in {Time.TotalMilliseconds:F0} ms while measured";
}
