namespace RnnStream.Model.Training;

/// <summary>
/// What one training step (one batch of windows) did. When <see cref="Rejected"/> is set the
/// weights and optimizer state are exactly what they were before the step.
/// </summary>
/// <param name="Loss">Mean loss over the scored outputs, averaged over the updates (L2 term included).</param>
/// <param name="GradientNorm">Largest global gradient norm seen, before clipping.</param>
/// <param name="Updates">Optimizer updates applied (one per truncation segment).</param>
/// <param name="Clipped">Updates whose gradient was scaled down by clipping.</param>
public sealed record TrainingReport(double Loss, double GradientNorm, int Updates, int Clipped, string? RejectionReason)
{
    public bool Rejected => RejectionReason is not null;
}
