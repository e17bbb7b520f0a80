using PublicInnovation.AppHost.Hosting;
using PublicInnovation.AppHost.Infrastructure;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace PublicInnovation.AppHost.Operations;

/// <summary>
/// Moves the messages MassTransit parked in <c>&lt;queue&gt;_error</c> back to <c>&lt;queue&gt;</c>, once the cause
/// of their failure is fixed. Each message is re-published with publisher confirms before it is acknowledged
/// on the error queue, so a crash mid-way duplicates at worst (the inbox absorbs it) and never loses one.
/// </summary>
public static class ErrorQueueRedrive
{
    /// <summary>Fault headers MassTransit adds on failure; stripped so a re-driven message looks as first sent.</summary>
    static readonly string[] FaultHeaderPrefixes = ["MT-Fault-", "MT-Reason", "MT-Host-"];

    /// <summary>The <c>redrive</c> command: the AppHost's broker unless another is given, failures in one sentence.</summary>
    public static async Task<int> RedriveAsync(AppHostOptions options, string queue, CancellationToken cancellationToken)
    {
        var broker = options.ConnectionStrings.TryGetValue("messaging", out var given) ? given : $"amqp://guest:guest@127.0.0.1:{options.RabbitMqPort}/";
        try
        {
            return await RedriveAsync(new Uri(broker), queue, cancellationToken: cancellationToken);
        }
        catch (BrokerUnreachableException)
        {
            throw new AppHostException($"RabbitMQ does not answer at {new Uri(broker).Authority}: start the platform (bash scripts/run.sh) or pass --ConnectionStrings:messaging.");
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            throw new AppHostException($"There is no queue {queue}_error on that broker: queues are named <service>-<consumer>, see docs/events.md.");
        }
    }

    /// <summary>Re-drives up to <paramref name="max"/> messages; returns how many were moved.</summary>
    public static async Task<int> RedriveAsync(Uri broker, string queue, int max = int.MaxValue, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        var errorQueue = queue + "_error";
        var factory = new ConnectionFactory { Uri = broker };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken);

        var moved = 0;
        while (moved < max)
        {
            var message = await channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken);
            if (message is null) break;

            var properties = new BasicProperties(message.BasicProperties)
            {
                Headers = message.BasicProperties.Headers?
                    .Where(h => !FaultHeaderPrefixes.Any(p => h.Key.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
                    .ToDictionary(h => h.Key, h => h.Value),
            };
            // Default exchange, routing key = queue name: straight back to the consumer's own queue only,
            // not to every subscriber of the event.
            await channel.BasicPublishAsync("", queue, mandatory: true, properties, message.Body, cancellationToken);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
            moved++;
        }
        return moved;
    }
}
