using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PublicInnovation.ServiceDefaults.Messaging.Outbox;

/// <summary>
/// Stamps outbox rows as they are saved and signals the relay when the transaction that wrote them commits.
/// Signalling after SaveChanges alone would be wrong inside an explicit transaction (a consumer's, say):
/// the rows are invisible to the relay until commit, and gone if it rolls back.
/// </summary>
public sealed class OutboxCommitInterceptor(OutboxSignal signal, TimeProvider clock) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    static readonly object Marker = new();
    readonly ConditionalWeakTable<DbContext, object> _uncommitted = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Stamp(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Stamp(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        SignalIfCommitted(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        SignalIfCommitted(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => ForgetIfNoTransaction(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ForgetIfNoTransaction(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Signal(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Signal(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    void Stamp(DbContext? context)
    {
        if (context is null) return;
        var now = clock.GetUtcNow();
        var any = false;
        foreach (var entry in context.ChangeTracker.Entries<OutboxMessage>())
        {
            if (entry.State != EntityState.Added) continue;
            entry.Entity.CreatedAt = now;
            any = true;
        }
        if (any) _uncommitted.AddOrUpdate(context, Marker);
    }

    // Without an explicit transaction, SaveChanges has committed by the time it returns.
    void SignalIfCommitted(DbContext? context)
    {
        if (context?.Database.CurrentTransaction is null) Signal(context);
    }

    void ForgetIfNoTransaction(DbContext? context)
    {
        if (context?.Database.CurrentTransaction is null) Forget(context);
    }

    void Signal(DbContext? context)
    {
        if (context is not null && _uncommitted.Remove(context))
            signal.Notify();
    }

    void Forget(DbContext? context)
    {
        if (context is not null) _uncommitted.Remove(context);
    }
}
