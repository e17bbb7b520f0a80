namespace PublicInnovation.ServiceDefaults.Messaging.Outbox;

/// <summary>
/// An event waiting to be published, written in the same transaction as the state change that caused it.
/// The relay publishes unsent rows in <see cref="Sequence"/> order and stamps <see cref="SentAt"/> once the
/// broker has confirmed them. The sequence is taken at insert, not at commit: events of one transaction, and
/// of transactions that follow one another, keep their order; two transactions racing to commit may not.
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>Insertion order; the relay publishes in this order.</summary>
    public long Sequence { get; set; }

    /// <summary>MassTransit MessageId: stable across re-publication, so consumers' inboxes drop duplicates.</summary>
    public Guid MessageId { get; set; }

    /// <summary>CLR type of the event ("Namespace.Type, Assembly"), from the publisher's Contracts project.</summary>
    public required string MessageType { get; set; }

    /// <summary>The event as JSON.</summary>
    public required string Body { get; set; }

    /// <summary>W3C trace context of the request that caused the event, so its trace continues across the broker.</summary>
    public string? TraceParent { get; set; }

    public string? TraceState { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>Failed publication attempts, and the last error, for operators.</summary>
    public int Attempts { get; set; }

    public string? LastError { get; set; }
}
