using System.Diagnostics;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PublicInnovation.ServiceDefaults.Messaging.Outbox;
using PublicInnovation.Testing;
using Shouldly;

namespace PublicInnovation.ServiceDefaults.Tests.Messaging;

/// <summary>The outbox and inbox on real PostgreSQL and a real RabbitMQ node, each test on its own database and vhost.</summary>
public sealed class OutboxInboxTests(TestInfrastructure infra) : IAsyncLifetime
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    TestMessagingHost _host = null!;

    public async ValueTask InitializeAsync() =>
        _host = await TestMessagingHost.StartAsync(await infra.CreateDatabaseAsync("notes"), await infra.CreateVirtualHostAsync());

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Committed_event_is_published_and_marked_sent()
    {
        var added = await _host.AddNoteAsync(1, cancellationToken: TestContext.Current.CancellationToken);

        await Eventually.WaitUntilAsync(() => Task.FromResult(_host.Deliveries.Received.Any(d => d.Message == added)),
            Deadline, "the committed NoteAdded reaches its consumer");
        var row = await _host.WithDbAsync(db => db.Set<OutboxMessage>().AsNoTracking().SingleAsync());
        await Eventually.WaitUntilAsync(async () =>
                (await _host.WithDbAsync(db => db.Set<OutboxMessage>().AsNoTracking().SingleAsync())).SentAt is not null,
            Deadline, "the relay marks the confirmed row sent");
        _host.Deliveries.Received.Single(d => d.Message == added).MessageId.ShouldBe(row.MessageId);
    }

    [Fact]
    public async Task Events_committed_one_after_another_are_delivered_in_that_order()
    {
        var sent = new List<NoteAdded>();
        for (var i = 0; i < 30; i++)
            sent.Add(await _host.AddNoteAsync(i, cancellationToken: TestContext.Current.CancellationToken));

        await Eventually.WaitUntilAsync(() => Task.FromResult(_host.Deliveries.Received.Count >= sent.Count),
            Deadline, "all 30 events are delivered");
        _host.Deliveries.Received.Select(d => d.Message.Position).ShouldBe(sent.Select(s => s.Position));
    }

    [Fact]
    public async Task Rolled_back_transaction_never_publishes_its_event()
    {
        Guid rolledBack;
        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TestDb>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken: TestContext.Current.CancellationToken);
            var note = new Note { Id = Guid.NewGuid(), Text = "never" };
            rolledBack = note.Id;
            db.Notes.Add(note);
            db.AddEvent(new NoteAdded(note.Id, 0));
            await db.SaveChangesAsync(cancellationToken: TestContext.Current.CancellationToken);
            await transaction.RollbackAsync(cancellationToken: TestContext.Current.CancellationToken);
        }

        // The relay publishes in commit order, so once a later event has arrived the relay has passed the
        // point where the rolled-back one would have been.
        var marker = await _host.AddNoteAsync(1, cancellationToken: TestContext.Current.CancellationToken);
        await Eventually.WaitUntilAsync(() => Task.FromResult(_host.Deliveries.Received.Any(d => d.Message == marker)),
            Deadline, "the marker event is delivered");
        _host.Deliveries.Received.ShouldNotContain(d => d.Message.NoteId == rolledBack);
        (await _host.WithDbAsync(db => db.Set<OutboxMessage>().CountAsync())).ShouldBe(1);
    }

    [Fact]
    public async Task Same_message_delivered_twice_is_applied_once()
    {
        var bus = _host.Services.GetRequiredService<IBus>();
        var duplicate = new NoteAdded(Guid.NewGuid(), 1);
        var messageId = NewId.NextGuid();

        // The broker may redeliver a message (a consumer crash before ack, a relay crash before marking sent):
        // both copies carry the same MessageId.
        await bus.Publish(duplicate, c => c.MessageId = messageId, cancellationToken: TestContext.Current.CancellationToken);
        await bus.Publish(duplicate, c => c.MessageId = messageId, cancellationToken: TestContext.Current.CancellationToken);
        var marker = new NoteAdded(Guid.NewGuid(), 2);
        await bus.Publish(marker, cancellationToken: TestContext.Current.CancellationToken);

        // One consumer at a time and FIFO: when the marker is applied, both copies have been handled.
        await Eventually.WaitUntilAsync(async () => await _host.WithDbAsync(db => db.Applied.AnyAsync(a => a.NoteId == marker.NoteId)),
            Deadline, "the marker after the duplicates is applied");
        (await _host.WithDbAsync(db => db.Applied.CountAsync(a => a.NoteId == duplicate.NoteId))).ShouldBe(1);
        _host.Deliveries.Received.Count(d => d.MessageId == messageId).ShouldBe(1);
    }

    [Fact]
    public async Task Stored_event_continues_the_trace_of_the_request_that_committed_it()
    {
        using var listener = TraceListener.Start();
        using var request = new ActivitySource("Test").StartActivity("request")!;
        var added = await _host.AddNoteAsync(7, cancellationToken: TestContext.Current.CancellationToken);
        request.Stop();

        await Eventually.WaitUntilAsync(() => Task.FromResult(_host.Deliveries.Received.Any(d => d.Message == added)),
            Deadline, "the event reaches its consumer");
        _host.Deliveries.Received.Single(d => d.Message == added).TraceId.ShouldBe(request.TraceId);
    }

    [Fact]
    public async Task Poison_message_lands_in_the_error_queue_after_retries()
    {
        var pill = new PoisonPill(Guid.NewGuid());
        await _host.Services.GetRequiredService<IBus>().Publish(pill, cancellationToken: TestContext.Current.CancellationToken);

        var faulted = await ErrorQueue.WaitForMessageAsync(_host, "notes-poison_error", Deadline);
        faulted.Body.ShouldContain(pill.Id.ToString());
        faulted.Headers["MT-Fault-Message"].ShouldBe($"Poison pill {pill.Id} cannot be applied.");
        (await _host.WithDbAsync(db => db.Set<PublicInnovation.ServiceDefaults.Messaging.Inbox.InboxMessage>().CountAsync()))
            .ShouldBe(0, "a failed consumer's inbox row rolls back with its effect");
    }

    [Fact]
    public async Task Error_queue_redrive_applies_the_message_once_the_fault_is_fixed()
    {
        var work = new FlakyWork(Guid.NewGuid());
        await _host.Services.GetRequiredService<IBus>().Publish(work, cancellationToken: TestContext.Current.CancellationToken);
        await ErrorQueue.WaitForCountAsync(_host, "notes-flaky_error", 1, Deadline);

        _host.Services.GetRequiredService<FlakySwitch>().Broken = false;
        var broker = new Uri(_host.Broker);
        var moved = await PublicInnovation.AppHost.Operations.ErrorQueueRedrive.RedriveAsync(broker, "notes-flaky", cancellationToken: TestContext.Current.CancellationToken);

        moved.ShouldBe(1);
        await Eventually.WaitUntilAsync(() => _host.WithDbAsync(db => db.Applied.AnyAsync(a => a.NoteId == work.Id)),
            Deadline, "the re-driven message is applied");
        await ErrorQueue.WaitForCountAsync(_host, "notes-flaky_error", 0, Deadline);
    }

    [Fact]
    public async Task Two_relays_on_one_database_publish_each_event_exactly_once()
    {
        await using var replica = await TestMessagingHost.StartAsync(_host.Database, _host.Broker);

        var sent = new List<NoteAdded>();
        for (var i = 0; i < 20; i++)
            sent.Add(await (i % 2 == 0 ? _host : replica).AddNoteAsync(i, cancellationToken: TestContext.Current.CancellationToken));

        var all = () => _host.Deliveries.Received.Concat(replica.Deliveries.Received).ToList();
        await Eventually.WaitUntilAsync(() => Task.FromResult(all().Count >= sent.Count), Deadline, "all 20 events are delivered");
        all().GroupBy(d => d.MessageId).ShouldAllBe(g => g.Count() == 1);
        all().Select(d => d.Message).ShouldBe(sent, ignoreOrder: true);
    }
}
