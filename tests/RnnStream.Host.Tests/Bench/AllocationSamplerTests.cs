using RnnStream.Host.Bench;
using Xunit;

namespace RnnStream.Host.Tests.Bench;

public sealed class AllocationSamplerTests
{
    /// <summary>Made only here, so the bytes sampled for it are this test's.</summary>
    private sealed class Marker(long first, long second)
    {
        public long Sum => first + second;
    }

    [Fact]
    public void The_sampler_names_the_type_that_most_of_the_allocated_bytes_went_to()
    {
        using var sampler = new AllocationSampler();
        sampler.Start();
        // 32 MB of markers: about 300 of the runtime's samples (one per 100 KB allocated). Each is kept
        // a moment, so the compiler cannot put it on the stack instead of the heap.
        var kept = new Marker[16];
        for (int i = 0; i < 1_000_000; i++) kept[i & 15] = new Marker(i, 1);
        var types = sampler.Stop(top: 4);

        Assert.True(kept.Sum(marker => marker.Sum) > 0);
        Assert.NotEmpty(types);
        Assert.EndsWith("Marker", types[0].Type);
        Assert.InRange(types[0].Share, 0.5, 1.0);
        Assert.Contains(" Marker", AllocationSampler.Describe(types));
    }

    [Fact]
    public void A_type_is_described_without_its_namespace_or_generic_arguments_and_an_array_keeps_its_brackets()
    {
        string described = AllocationSampler.Describe(
        [
            ("System.ValueTuple`2[[Akka.Actor.IActorRef, Akka],[System.Object, System.Private.CoreLib]]", 0.5),
            ("System.Single[]", 0.3),
            ("Akka.Streams.Implementation.Fusing.GraphInterpreter+Resume", 0.2),
        ]);

        Assert.StartsWith("; of which ", described);
        Assert.Contains(" ValueTuple`2, ", described);
        Assert.Contains(" Single[], ", described);
        Assert.EndsWith(" GraphInterpreter+Resume", described);
        Assert.DoesNotContain("System.", described);
        Assert.Empty(AllocationSampler.Describe([]));
    }
}
