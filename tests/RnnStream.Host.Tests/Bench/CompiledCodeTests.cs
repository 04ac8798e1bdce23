using System.Linq.Expressions;
using RnnStream.Host.Bench;
using Xunit;

namespace RnnStream.Host.Tests.Bench;

public sealed class CompiledCodeTests
{
    [Fact]
    public void A_method_compiled_between_two_readings_is_counted_with_its_time()
    {
        var before = CompiledCode.SoFar();
        // A method made at run time has no precompiled code: calling it makes the runtime compile it now.
        var x = Expression.Parameter(typeof(int), "x");
        var tripled = Expression.Lambda<Func<int, int>>(Expression.Multiply(x, Expression.Constant(3)), x).Compile(preferInterpretation: false);
        int result = tripled(14);
        var since = CompiledCode.SoFar().Since(before);

        Assert.Equal(42, result);
        Assert.True(since.Methods >= 1, $"{since.Methods} methods compiled");
        Assert.True(since.Time > TimeSpan.Zero, $"{since.Time} compiling");
    }

    [Fact]
    public void The_difference_of_two_readings_reads_as_a_clause_of_a_bench_line()
    {
        var before = new CompiledCode(100, TimeSpan.FromTicks(2_500_000));
        var after = new CompiledCode(112, TimeSpan.FromTicks(2_814_000));

        Assert.Equal(new CompiledCode(12, TimeSpan.FromTicks(314_000)), after.Since(before));
        Assert.Equal($"12 methods compiled in {31.4:F0} ms while measured", after.Since(before).Describe());
    }
}
