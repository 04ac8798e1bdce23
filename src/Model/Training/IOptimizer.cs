namespace RnnStream.Model.Training;

/// <summary>Turns a gradient into a parameter update. Keeps a checkpoint of its own state so a rejected step can be undone.</summary>
internal interface IOptimizer
{
    void Apply(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <summary>Remembers the current state (moments, step count) for <see cref="Rollback"/>.</summary>
    void Checkpoint();

    /// <summary>Returns to the state at the last <see cref="Checkpoint"/>.</summary>
    void Rollback();
}
