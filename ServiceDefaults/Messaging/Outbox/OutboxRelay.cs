using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PublicInnovation.ServiceDefaults.Telemetry;

namespace PublicInnovation.ServiceDefaults.Messaging.Outbox;

/// <summary>
/// Publishes committed outbox rows in commit order and marks each sent only after the broker confirmed it
/// (MassTransit's RabbitMQ transport awaits publisher confirms). Delivery is at least once: a crash between
/// confirm and mark re-publishes with the same MessageId, which the consumers' inboxes drop.
/// </summary>
public sealed class OutboxRelay<TDb>(
    IServiceScopeFactory scopes,
    IBus bus,
    OutboxSignal signal,
    TimeProvider clock,
    IOptions<OutboxOptions> options,
    ILogger<OutboxRelay<TDb>> logger) : BackgroundService where TDb : DbContext
{
    // Advisory locks are per database, and each service owns its database: one constant key suffices.
    const long RelayLockKey = 0x5055424c49435f4f; // "PUBLIC_O"

    readonly OutboxOptions _options = options.Value;
    DateTimeOffset _lastCleanup = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = _options.MinBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var more = await RelayBatchAsync(stoppingToken);
                backoff = _options.MinBackoff;
                if (more) continue;
                await CleanUpAsync(stoppingToken);
                await signal.WaitAsync(_options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Broker or database unreachable: nothing is lost (rows stay unsent), so wait and try again.
                logger.LogWarning("Outbox relay of {Db} failed, retrying in {Backoff}: {Error}", typeof(TDb).Name, backoff, ex.Message);
                try { await Task.Delay(backoff, clock, stoppingToken); }
                catch (OperationCanceledException) { return; }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
            }
        }
    }

    /// <summary>Publishes one batch; true when more unsent rows may be waiting.</summary>
    public async Task<bool> RelayBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDb>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // Several replicas may run this loop. A transaction-scoped advisory lock lets one drain at a time,
        // which is what keeps commit order across replicas; FOR UPDATE SKIP LOCKED still guarantees that no
        // row is ever claimed by two publishers, whatever else touches the table.
        var leader = await db.Database
            .SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({RelayLockKey}) AS \"Value\"")
            .SingleAsync(cancellationToken);
        if (!leader) return false;

        var batch = await db.Set<OutboxMessage>()
            .FromSql($"SELECT * FROM outbox_messages WHERE sent_at IS NULL ORDER BY sequence LIMIT {_options.BatchSize} FOR UPDATE SKIP LOCKED")
            .ToListAsync(cancellationToken);
        if (batch.Count == 0) return false;

        Exception? failure = null;
        foreach (var message in batch)
        {
            try
            {
                await PublishAsync(message, cancellationToken);
                message.SentAt = clock.GetUtcNow();
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Stop at the first failure: publishing later rows first would break commit order.
                message.Attempts++;
                message.LastError = ex.Message.Length > 2000 ? ex.Message[..2000] : ex.Message;
                failure = ex;
                break;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (failure is not null)
            throw new OutboxPublishException($"Publishing outbox message failed: {failure.Message}", failure);
        return batch.Count == _options.BatchSize;
    }

    async Task PublishAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var type = OutboxSerialization.ResolveType(message.MessageType);
        var @event = JsonSerializer.Deserialize(message.Body, type, OutboxSerialization.Json)
            ?? throw new InvalidOperationException($"Outbox message {message.MessageId} has an empty body.");

        // Resume the trace of the request that committed the event: MassTransit's publish span becomes its
        // child and carries the context in the message headers to every consumer.
        ActivityContext.TryParse(message.TraceParent, message.TraceState, out var parent);
        using var activity = TelemetryExtensions.Source.StartActivity($"outbox relay {type.Name}", ActivityKind.Internal, parent);
        activity?.SetTag("messaging.message.id", message.MessageId.ToString());
        activity?.SetTag("outbox.sequence", message.Sequence);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PublishTimeout);
        await bus.Publish(@event, type, Pipe.Execute<PublishContext>(context => context.MessageId = message.MessageId), timeout.Token);
    }

    async Task CleanUpAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (now - _lastCleanup < TimeSpan.FromHours(1)) return;
        _lastCleanup = now;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDb>();
        var cutoff = now - _options.SentRetention;
        var deleted = await db.Set<OutboxMessage>().Where(m => m.SentAt != null && m.SentAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        if (deleted > 0) logger.LogInformation("Deleted {Count} outbox rows sent before {Cutoff}", deleted, cutoff);
    }
}

/// <summary>A batch stopped at a message the broker did not confirm; the relay backs off and retries.</summary>
public sealed class OutboxPublishException(string message, Exception inner) : Exception(message, inner);
