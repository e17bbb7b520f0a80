namespace PublicInnovation.ServiceDefaults.Messaging.Outbox;

/// <summary>
/// Wakes the relay when a transaction holding outbox rows commits, so events leave within milliseconds
/// instead of waiting for the next poll. Signals coalesce: many commits during one batch wake it once.
/// </summary>
public sealed class OutboxSignal
{
    readonly SemaphoreSlim _pending = new(0, 1);

    public void Notify()
    {
        try
        {
            if (_pending.CurrentCount == 0)
                _pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // Another commit signalled between the check and the release: the relay is already awake.
        }
    }

    /// <summary>Waits for a commit signal or the timeout (the polling fallback); true when signalled.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _pending.WaitAsync(timeout, cancellationToken);
}
