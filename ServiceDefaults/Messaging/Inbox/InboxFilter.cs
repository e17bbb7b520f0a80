using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace PublicInnovation.ServiceDefaults.Messaging.Inbox;

/// <summary>The consuming service's DbContext, resolved in the message's scope (the consumer gets the same instance).</summary>
public sealed class MessagingDb(DbContext context)
{
    public DbContext Context { get; } = context;
}

/// <summary>
/// Wraps every consumer in one transaction: the inbox row for (endpoint, MessageId), the consumer's effect
/// and the events it adds to the outbox commit together or not at all. A message whose inbox row already
/// exists was applied before, so it is acknowledged without running the consumer again.
/// </summary>
public sealed class InboxFilter<T>(MessagingDb messagingDb, TimeProvider clock, ILogger<InboxFilter<T>> logger)
    : IFilter<ConsumeContext<T>> where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        var db = messagingDb.Context;
        var messageId = context.MessageId
            ?? throw new InvalidOperationException($"{typeof(T).Name} arrived without a MessageId; it cannot be de-duplicated.");
        var consumer = EndpointName(context.ReceiveContext.InputAddress);
        var cancellationToken = context.CancellationToken;

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            // A concurrent duplicate blocks on this row's key until the first commits, then inserts nothing.
            var claimed = await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO inbox_messages (consumer, message_id, message_type, received_at)
                VALUES ({consumer}, {messageId}, {typeof(T).FullName}, {clock.GetUtcNow()})
                ON CONFLICT DO NOTHING
                """, cancellationToken);
            if (claimed == 0)
            {
                logger.LogInformation("Skipped {MessageType} {MessageId} on {Consumer}: already applied", typeof(T).Name, messageId, consumer);
                await transaction.RollbackAsync(cancellationToken);
                return;
            }

            await next.Send(context);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch
        {
            // The retry filter may hand the next attempt the same scope: start it from a clean slate.
            db.ChangeTracker.Clear();
            throw;
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("inbox");

    static string EndpointName(Uri? inputAddress) =>
        inputAddress?.AbsolutePath.TrimEnd('/').Split('/').LastOrDefault() is { Length: > 0 } name ? name : "unknown";
}
