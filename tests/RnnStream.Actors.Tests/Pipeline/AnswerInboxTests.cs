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
                inbox.Working();
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
        inbox.Working();
        Assert.True(inbox.TakeOrRest(seen.Add));
        Assert.False(inbox.TakeOrRest(seen.Add));
        Assert.Equal([answer, answer], seen);

        inbox.Working();
        inbox.Post(answer);
        Assert.Equal(1, rings);
        Assert.True(inbox.TakeOrRest(seen.Add));
        Assert.False(inbox.TakeOrRest(seen.Add));
        Assert.Equal(3, seen.Count);

        inbox.Post(answer);
        Assert.Equal(2, rings);
    }
}
