using RnnStream.Actors.Pipeline;
using RnnStream.Actors.Protocol;
using Xunit;

namespace RnnStream.Actors.Tests.Pipeline;

public sealed class AnswerInboxTests
{
    /// <summary>
    /// Four key groups answer at once, as fast as they can, while the stage takes answers whenever
    /// it is rung: every answer is taken exactly once and in each key group's order, none is left
    /// behind with the stage resting, and one ring takes in several answers.
    /// </summary>
    [Fact]
    public async Task Every_answer_left_by_key_groups_at_once_is_taken_once_in_order_and_rings_are_fewer_than_answers()
    {
        const int keyGroups = 4, answersEach = 20_000;
        using var rung = new SemaphoreSlim(0);
        int rings = 0;
        var inbox = new AnswerInbox(() =>
        {
            Interlocked.Increment(ref rings);
            rung.Release();
        });
        var answers = Enumerable.Range(0, keyGroups)
            .Select(keyGroup => Enumerable.Range(0, answersEach).Select(i => new KeyGroupAnswers(keyGroup, [])).ToArray()).ToArray();
        var nextOf = new int[keyGroups];
        int taken = 0;
        bool inOrder = true;
        var stage = Task.Run(() =>
        {
            while (taken < keyGroups * answersEach && rung.Wait(TimeSpan.FromSeconds(10)))
            {
                inbox.RingReached();
                while (inbox.TakeOrRest(answer =>
                       {
                           inOrder &= ReferenceEquals(answers[answer.KeyGroup][nextOf[answer.KeyGroup]++], answer);
                           taken++;
                       }))
                {
                }
            }
        });
        await Task.WhenAll(answers.Select(mine => Task.Run(() =>
        {
            foreach (var answer in mine) inbox.Post(answer);
        })));
        await stage.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(keyGroups * answersEach, taken);
        Assert.True(inOrder);
        Assert.InRange(rings, 1, keyGroups * answersEach - 1);
    }

    [Fact]
    public void An_answer_left_while_the_stage_works_rings_nothing_and_is_taken_before_it_rests_and_the_next_one_rings()
    {
        int rings = 0;
        var inbox = new AnswerInbox(() => rings++);
        var answer = new KeyGroupAnswers(0, []);
        var seen = new List<KeyGroupAnswers>();

        inbox.Post(answer);
        inbox.Post(answer);
        Assert.Equal(1, rings);
        inbox.RingReached();
        Assert.True(inbox.TakeOrRest(seen.Add));
        Assert.False(inbox.TakeOrRest(seen.Add));
        Assert.Equal([answer, answer], seen);

        inbox.StartWork();
        inbox.Post(answer);
        Assert.Equal(1, rings);
        Assert.True(inbox.TakeOrRest(seen.Add));
        Assert.False(inbox.TakeOrRest(seen.Add));
        Assert.Equal(3, seen.Count);

        inbox.Post(answer);
        Assert.Equal(2, rings);
    }

    /// <summary>
    /// The stage works and rests on other events (its output pulling, a feed batch) before the
    /// ring it was sent reaches it: answers left meanwhile ring no more, as that ring will make
    /// it look; once it has come, the next answer left while the stage rests rings again. Ringing
    /// whenever the stage had rested filled its mailbox with a ring per batch its output took.
    /// </summary>
    [Fact]
    public void While_a_ring_is_on_its_way_the_stage_resting_after_other_work_lets_no_second_ring_go()
    {
        int rings = 0;
        var inbox = new AnswerInbox(() => rings++);
        var answer = new KeyGroupAnswers(0, []);
        var seen = new List<KeyGroupAnswers>();

        inbox.Post(answer);
        Assert.Equal(1, rings);
        for (int otherWork = 0; otherWork < 3; otherWork++)
        {
            inbox.StartWork();
            while (inbox.TakeOrRest(seen.Add))
            {
            }
            inbox.Post(answer);
            Assert.Equal(1, rings);
        }

        inbox.RingReached();
        Assert.True(inbox.TakeOrRest(seen.Add));
        Assert.False(inbox.TakeOrRest(seen.Add));
        Assert.Equal(4, seen.Count);
        inbox.Post(answer);
        Assert.Equal(2, rings);
    }

    /// <summary>
    /// Key groups answer as fast as they can while the stage both takes rings and works on other
    /// events between them: never more than one ring is on its way, and every answer is still
    /// taken, exactly once.
    /// </summary>
    [Fact]
    public async Task With_key_groups_answering_and_the_stage_busy_between_rings_at_most_one_ring_is_on_its_way()
    {
        const int keyGroups = 4, answersEach = 20_000;
        int onTheirWay = 0, mostOnTheirWay = 0, taken = 0;
        var inbox = new AnswerInbox(() =>
        {
            int now = Interlocked.Increment(ref onTheirWay);
            int most;
            while (now > (most = Volatile.Read(ref mostOnTheirWay)) && Interlocked.CompareExchange(ref mostOnTheirWay, now, most) != most)
            {
            }
        });
        var answer = new KeyGroupAnswers(0, []);
        // One answer before the stage starts, so at least one ring is certain (the stage at work from the start could take every other answer unrung).
        inbox.Post(answer);
        const int answers = keyGroups * answersEach + 1;
        using var done = new CancellationTokenSource();
        var stage = Task.Run(() =>
        {
            while (Volatile.Read(ref taken) < answers && !done.IsCancellationRequested)
            {
                if (Volatile.Read(ref onTheirWay) > 0)
                {
                    Interlocked.Decrement(ref onTheirWay);
                    inbox.RingReached();
                }
                else inbox.StartWork();
                while (inbox.TakeOrRest(_ => Interlocked.Increment(ref taken)))
                {
                }
            }
        });
        await Task.WhenAll(Enumerable.Range(0, keyGroups).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < answersEach; i++) inbox.Post(answer);
        })));
        done.CancelAfter(TimeSpan.FromSeconds(30));
        await stage;

        Assert.Equal(answers, taken);
        Assert.Equal(1, mostOnTheirWay);
    }
}
