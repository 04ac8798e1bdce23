using RnnStream.Host.Bench;
using Xunit;

namespace RnnStream.Host.Tests.Bench;

public sealed class CpuTimesTests
{
    [Fact]
    public void The_stolen_and_idle_shares_come_from_the_differences_of_two_readings_of_the_all_cpu_line()
    {
        // user nice system idle iowait irq softirq steal guest guest_nice
        var before = CpuTimes.Parse("cpu  1000 10 200 5000 40 5 5 100 300 0");
        var after = CpuTimes.Parse("cpu  1600 10 300 5150 50 10 10 300 500 0");

        Assert.Equal(new CpuTimes(1220, 5040, 100), before);
        // 710 busy (guest is inside user), 160 idle, 200 stolen: 1,070 ticks in all.
        Assert.Equal(new CpuTimes(1930, 5200, 300), after);
        Assert.Equal($"; CPU time {200 / 1070.0:P0} stolen by the hypervisor, {160 / 1070.0:P0} idle", CpuTimes.Describe(before, after));
    }

    [Fact]
    public void An_older_kernels_short_line_counts_no_steal_and_what_is_not_the_cpu_line_or_is_missing_says_nothing()
    {
        Assert.Equal(new CpuTimes(30, 40, 0), CpuTimes.Parse("cpu 10 10 10 40 0"));
        Assert.Null(CpuTimes.Parse("cpu0 1 2 3 4 5 6 7 8"));
        Assert.Null(CpuTimes.Parse("intr 12345"));
        Assert.Equal("", CpuTimes.Describe(null, new CpuTimes(1, 1, 1)));
        Assert.Equal("", CpuTimes.Describe(new CpuTimes(1, 1, 1), new CpuTimes(1, 1, 1)));
        Assert.Null(CpuTimes.Read("/nonexistent/stat"));
    }

    [Fact]
    public void This_linux_machine_reads_its_own_cpu_times_and_its_busy_and_stolen_time_only_grow()
    {
        Assert.True(OperatingSystem.IsLinux(), "the bench's CPU line is read from /proc/stat, which CI's machines have");
        var first = CpuTimes.Read()!.Value;
        var second = CpuTimes.Read()!.Value;
        // Not idle: the I/O wait counted in it may go backwards (proc(5)).
        Assert.True(second.Busy >= first.Busy && second.Stolen >= first.Stolen);
        Assert.True(first.Busy > 0 && first.Idle >= 0);
    }

    [Fact]
    public void An_io_wait_that_went_backwards_reads_as_no_idle_time_not_a_negative_share()
    {
        var before = new CpuTimes(100, 500, 0);
        var after = new CpuTimes(200, 490, 0);
        Assert.Equal($"; CPU time {0.0:P0} stolen by the hypervisor, {0.0:P0} idle", CpuTimes.Describe(before, after));
    }
}
