using System.Globalization;

namespace RnnStream.Host.Bench;

/// <summary>
/// The machine's CPU time so far, from the first line of /proc/stat: busy, idle, and stolen (time
/// the hypervisor gave a virtual CPU of ours to another guest while we had work for it). On a
/// shared two-core machine a run's throughput and its tail latency move with the stolen share, so
/// the bench states it beside each figure: a slow run with a fifth of its time stolen is the
/// machine, not the code.
/// </summary>
/// <param name="Busy">User, nice, system, irq and softirq time, in the kernel's ticks.</param>
/// <param name="Idle">Idle and I/O wait.</param>
/// <param name="Stolen">Steal time: a virtual CPU of ours ready to run while the host ran another guest.</param>
internal readonly record struct CpuTimes(long Busy, long Idle, long Stolen)
{
    /// <summary>Now, or null where there is no /proc/stat to read (not Linux).</summary>
    public static CpuTimes? Read(string path = "/proc/stat")
    {
        try
        {
            using var reader = new StreamReader(path);
            return reader.ReadLine() is { } first ? Parse(first) : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>The all-CPU line: "cpu  user nice system idle iowait irq softirq steal guest guest_nice" (older kernels stop early).</summary>
    public static CpuTimes? Parse(string line)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5 || fields[0] != "cpu") return null;
        long Field(int index) => index < fields.Length && long.TryParse(fields[index], NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : 0;
        // Guest time is already counted in user time, so it is not added again.
        return new CpuTimes(Field(1) + Field(2) + Field(3) + Field(6) + Field(7), Field(4) + Field(5), Field(8));
    }

    /// <summary>What the machine's CPUs did between two readings, as a clause for a bench line; empty if either is missing or no time passed.</summary>
    public static string Describe(CpuTimes? before, CpuTimes? after)
    {
        if (before is not { } start || after is not { } end) return "";
        // The kernel's I/O wait may go backwards (proc(5)), so idle is not let fall below nothing.
        long busy = end.Busy - start.Busy, idle = Math.Max(0, end.Idle - start.Idle), stolen = end.Stolen - start.Stolen;
        double total = busy + idle + stolen;
        return total <= 0 ? "" : $"; CPU time {stolen / total:P0} stolen by the hypervisor, {idle / total:P0} idle";
    }
}
