using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace PublicInnovation.ServiceDefaults.Messaging.Outbox;

public static class OutboxExtensions
{
    /// <summary>
    /// Stores <paramref name="event"/> in the outbox; it is published after <c>SaveChanges</c> commits it
    /// together with the state change that caused it, and never if that transaction rolls back.
    /// The current trace context goes with it, so the consumers' spans join the caller's trace.
    /// </summary>
    public static void AddEvent<TEvent>(this DbContext db, TEvent @event) where TEvent : class
    {
        var type = @event.GetType();
        var activity = Activity.Current;
        db.Set<OutboxMessage>().Add(new OutboxMessage
        {
            MessageId = NewId.NextGuid(),
            MessageType = OutboxSerialization.TypeName(type),
            Body = JsonSerializer.Serialize(@event, type, OutboxSerialization.Json),
            TraceParent = activity?.IdFormat == ActivityIdFormat.W3C ? activity.Id : null,
            TraceState = activity?.TraceStateString,
        });
    }
}

/// <summary>How stored events are written and read back: one place, so the relay reads what AddEvent wrote.</summary>
public static class OutboxSerialization
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    public static Type ResolveType(string typeName) =>
        Type.GetType(typeName, throwOnError: false)
        ?? throw new InvalidOperationException($"Outbox message type '{typeName}' cannot be loaded by this service.");
}
