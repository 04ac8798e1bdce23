using RnnStream.Actors.Pipeline;
using RnnStream.Feeds.Records;
using Xunit;

namespace RnnStream.Actors.Tests.Pipeline;

/// <summary>A schedule's unstarted copy counts from its own start, whatever the original has seen: a run started again must retrain where the first run did.</summary>
public sealed class RetrainScheduleTests
{
    private static IEnumerable<bool> Due(RetrainSchedule schedule, IEnumerable<Tick> ticks) => ticks.Select(tick => schedule.IsDueBefore(tick, out _));

    [Fact]
    public void An_unstarted_copy_of_a_used_schedule_is_due_at_the_same_ticks_as_the_original_was()
    {
        var ticks = Ticks.Interleaved(["a", "b"], 50).ToList();
        var original = new RetrainSchedule { EveryTicks = 7, EveryEventTime = TimeSpan.FromMinutes(10) };
        var first = Due(original, ticks).ToList();
        Assert.Contains(true, first);

        var again = Due(original.Unstarted(), ticks).ToList();
        Assert.Equal(first, again);
        Assert.Equal((0L, (DateTime?)null), original.Unstarted().Position);
    }
}
