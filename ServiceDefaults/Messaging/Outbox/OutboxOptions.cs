namespace PublicInnovation.ServiceDefaults.Messaging.Outbox;

/// <summary>Relay tuning, section <c>Outbox</c>.</summary>
public sealed class OutboxOptions
{
    /// <summary>Rows read and published per transaction.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Polling fallback when no commit signal arrives (another replica's commits, a missed wake).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one publish may wait for the broker's confirmation before the batch backs off.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First and largest delay between attempts while the broker is unreachable.</summary>
    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long sent rows are kept (for audit and re-drive) before the relay deletes them.</summary>
    public TimeSpan SentRetention { get; set; } = TimeSpan.FromDays(7);
}
