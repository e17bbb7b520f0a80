using Microsoft.EntityFrameworkCore;
using PublicInnovation.AppHost.Infrastructure;
using PublicInnovation.ServiceDefaults.Messaging.Outbox;
using PublicInnovation.Testing;
using Shouldly;

namespace PublicInnovation.ServiceDefaults.Tests.Messaging;

/// <summary>The outbox across a real broker outage: RabbitMQ stopped while a request commits, then started again.</summary>
public sealed class BrokerOutageTests(TestInfrastructure infra)
{
    [Fact]
    public async Task Event_committed_while_the_broker_is_down_is_delivered_once_it_is_back()
    {
        // A node of its own: stopping the run's shared node would pull the broker from under every other test.
        var name = "outage" + Guid.NewGuid().ToString("N")[..8];
        await using var node = new RabbitMqNode(new RabbitMqNodeOptions
        {
            DataDirectory = Path.Combine(Path.GetTempPath(), name),
            AmqpPort = Ports.FindFree(),
            DistributionPort = Ports.FindFree(),
            NodeName = $"{name}@localhost",
        });
        await node.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var service = await TestMessagingHost.StartAsync(await infra.CreateDatabaseAsync("outage", cancellationToken: TestContext.Current.CancellationToken), node.ConnectionString);

        await node.StopAsync(cancellationToken: TestContext.Current.CancellationToken);
        var added = await service.AddNoteAsync(1, cancellationToken: TestContext.Current.CancellationToken);

        // The request succeeded on PostgreSQL alone; the relay keeps failing to publish and keeps the row.
        await Eventually.WaitUntilAsync(async () => (await OutboxRowAsync(service)).Attempts >= 2, TimeSpan.FromSeconds(60),
            "the relay has tried and failed to publish while the broker is down");
        (await OutboxRowAsync(service)).SentAt.ShouldBeNull();

        await node.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        await Eventually.WaitUntilAsync(() => service.WithDbAsync(db => db.Applied.AnyAsync(a => a.NoteId == added.NoteId)),
            TimeSpan.FromSeconds(120), "the event is delivered and applied once the broker is back");
        await Eventually.WaitUntilAsync(async () => (await OutboxRowAsync(service)).SentAt is not null, TimeSpan.FromSeconds(30),
            "the row is marked sent after the broker confirmed it");
        (await service.WithDbAsync(db => db.Applied.CountAsync(a => a.NoteId == added.NoteId))).ShouldBe(1);
    }

    static Task<OutboxMessage> OutboxRowAsync(TestMessagingHost service) =>
        service.WithDbAsync(db => db.Set<OutboxMessage>().AsNoTracking().SingleAsync());
}
