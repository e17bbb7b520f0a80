using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PublicInnovation.ServiceDefaults.Data;
using PublicInnovation.ServiceDefaults.Messaging;

namespace PublicInnovation.ServiceDefaults.Tests.Messaging;

/// <summary>Events of the test service; in a namespace, as MassTransit requires.</summary>
public sealed record NoteAdded(Guid NoteId, int Position);

public sealed record PoisonPill(Guid Id);

public sealed record FlakyWork(Guid Id);

/// <summary>Breaks <see cref="FlakyConsumer"/> until a test "deploys the fix".</summary>
public sealed class FlakySwitch
{
    public volatile bool Broken = true;
}

public sealed class Note
{
    public Guid Id { get; init; }
    public required string Text { get; init; }
}

/// <summary>One row per application of a NoteAdded: the effect whose duplication the inbox must prevent.</summary>
public sealed class AppliedNote
{
    public long Id { get; init; }
    public Guid NoteId { get; init; }
}

public sealed class TestDb(DbContextOptions<TestDb> options) : DbContext(options)
{
    public DbSet<Note> Notes => Set<Note>();
    public DbSet<AppliedNote> Applied => Set<AppliedNote>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Note>().ToTable("notes");
        model.Entity<AppliedNote>().ToTable("applied_notes");
        model.AddOutboxAndInbox();
    }
}

/// <summary>What the consumers saw, in arrival order, with the trace they ran in.</summary>
public sealed class Deliveries
{
    public ConcurrentQueue<(Guid MessageId, NoteAdded Message, ActivityTraceId TraceId)> Received { get; } = new();
}

public sealed class ApplyNoteConsumer(TestDb db, Deliveries deliveries) : IConsumer<NoteAdded>
{
    public Task Consume(ConsumeContext<NoteAdded> context)
    {
        db.Applied.Add(new AppliedNote { NoteId = context.Message.NoteId });
        deliveries.Received.Enqueue((context.MessageId!.Value, context.Message, Activity.Current?.TraceId ?? default));
        return Task.CompletedTask;
    }
}

public sealed class PoisonConsumer : IConsumer<PoisonPill>
{
    public Task Consume(ConsumeContext<PoisonPill> context) =>
        throw new InvalidOperationException($"Poison pill {context.Message.Id} cannot be applied.");
}

/// <summary>Fails while the switch is broken; once fixed, applies the work like any consumer.</summary>
public sealed class FlakyConsumer(TestDb db, FlakySwitch flaky) : IConsumer<FlakyWork>
{
    public Task Consume(ConsumeContext<FlakyWork> context)
    {
        if (flaky.Broken) throw new InvalidOperationException("Dependency down");
        db.Applied.Add(new AppliedNote { NoteId = context.Message.Id });
        return Task.CompletedTask;
    }
}

/// <summary>
/// A minimal service built from the real ServiceDefaults pieces (database, outbox relay, inbox, MassTransit
/// on RabbitMQ) around <see cref="TestDb"/>, on a fresh database and virtual host.
/// </summary>
public sealed class TestMessagingHost : IAsyncDisposable
{
    readonly IHost _host;

    TestMessagingHost(IHost host, string database, string broker)
    {
        _host = host;
        Database = database;
        Broker = broker;
    }

    public string Database { get; }
    public string Broker { get; }

    public IServiceProvider Services => _host.Services;
    public Deliveries Deliveries => _host.Services.GetRequiredService<Deliveries>();

    public static async Task<TestMessagingHost> StartAsync(string database, string broker, string serviceName = "notes")
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:notes-db"] = database,
            ["ConnectionStrings:messaging"] = broker,
            ["Outbox:MinBackoff"] = "00:00:00.100",
            ["Outbox:MaxBackoff"] = "00:00:01",
            ["Outbox:PublishTimeout"] = "00:00:03",
            ["Messaging:Retry:Intervals:0"] = "00:00:00.050",
            ["Messaging:Retry:Intervals:1"] = "00:00:00.050",
        });
        builder.Services.AddSingleton<Deliveries>();
        builder.Services.AddSingleton<FlakySwitch>();
        builder.AddServiceDatabase<TestDb>("notes-db");
        builder.AddMessaging<TestDb>(serviceName, bus =>
        {
            // One at a time, so arrival order is commit order and duplicates are observed deterministically.
            bus.AddConsumer<ApplyNoteConsumer>().Endpoint(e => e.ConcurrentMessageLimit = 1);
            bus.AddConsumer<PoisonConsumer>();
            bus.AddConsumer<FlakyConsumer>();
        });

        var host = builder.Build();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            // Several hosts may share a database (replicas): create the schema once.
            var db = scope.ServiceProvider.GetRequiredService<TestDb>();
            try { await db.Database.EnsureCreatedAsync(); }
            catch (Npgsql.PostgresException e) when (e.SqlState is "42P07" or "23505") { }
        }
        await host.StartAsync();
        var testHost = new TestMessagingHost(host, database, broker);
        await testHost.WaitForBusAsync();
        return testHost;
    }

    /// <summary>Commits a note and its NoteAdded event in one SaveChanges, as an endpoint would.</summary>
    public async Task<NoteAdded> AddNoteAsync(int position, CancellationToken cancellationToken = default)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDb>();
        var note = new Note { Id = Guid.NewGuid(), Text = $"note {position}" };
        var added = new NoteAdded(note.Id, position);
        db.Notes.Add(note);
        PublicInnovation.ServiceDefaults.Messaging.Outbox.OutboxExtensions.AddEvent(db, added);
        await db.SaveChangesAsync(cancellationToken);
        return added;
    }

    public async Task<T> WithDbAsync<T>(Func<TestDb, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<TestDb>());
    }

    async Task WaitForBusAsync()
    {
        var bus = Services.GetRequiredService<IBusControl>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (bus.CheckHealth().Status != BusHealthStatus.Healthy)
            await Task.Delay(50, timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
