namespace PublicInnovation.ServiceDefaults.Messaging.Inbox;

/// <summary>
/// A message a consumer has applied. Its primary key (consumer, message id) is what makes a redelivered
/// message a no-op: the row commits in the same transaction as the consumer's effect.
/// </summary>
public sealed class InboxMessage
{
    /// <summary>The receive endpoint (queue) that consumed the message: one consumer per endpoint.</summary>
    public required string Consumer { get; set; }

    public Guid MessageId { get; set; }

    public required string MessageType { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}
