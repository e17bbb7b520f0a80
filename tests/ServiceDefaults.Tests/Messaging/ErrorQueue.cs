using System.Text;
using PublicInnovation.Testing;
using RabbitMQ.Client;

namespace PublicInnovation.ServiceDefaults.Tests.Messaging;

/// <summary>Reads a faulted message straight from RabbitMQ, as an operator inspecting an error queue would.</summary>
static class ErrorQueue
{
    public sealed record Faulted(string Body, IReadOnlyDictionary<string, string> Headers);

    public static async Task<Faulted> WaitForMessageAsync(TestMessagingHost host, string queue, TimeSpan deadline)
    {
        var broker = host.Broker;
        var factory = new ConnectionFactory { Uri = new Uri(broker) };
        await using var connection = await factory.CreateConnectionAsync();
        Faulted? faulted = null;
        await Eventually.WaitUntilAsync(async () =>
        {
            await using var channel = await connection.CreateChannelAsync();
            try
            {
                var result = await channel.BasicGetAsync(queue, autoAck: true);
                if (result is null) return false;
                var headers = (result.BasicProperties.Headers ?? new Dictionary<string, object?>())
                    .ToDictionary(h => h.Key, h => h.Value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : h.Value?.ToString() ?? "");
                faulted = new Faulted(Encoding.UTF8.GetString(result.Body.Span), headers);
                return true;
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                return false; // the error queue does not exist until MassTransit moves the first message there
            }
        }, deadline, $"a message arrives in {queue}");
        return faulted!;
    }

    public static async Task WaitForCountAsync(TestMessagingHost host, string queue, uint count, TimeSpan deadline)
    {
        var broker = host.Broker;
        await using var connection = await new ConnectionFactory { Uri = new Uri(broker) }.CreateConnectionAsync();
        await Eventually.WaitUntilAsync(async () =>
        {
            await using var channel = await connection.CreateChannelAsync();
            try
            {
                return await channel.MessageCountAsync(queue) == count;
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                return false;
            }
        }, deadline, $"{queue} holds {count} message(s)");
    }
}
