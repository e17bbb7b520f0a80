using System.Collections.Concurrent;
using MassTransit;

namespace PublicInnovation.Testing;

/// <summary>
/// Listens on a virtual host for every <typeparamref name="T"/> published from the moment it starts (a temporary
/// queue bound to the message type's exchange), to assert that an event really reached the broker.
/// </summary>
public sealed class EventProbe<T> : IAsyncDisposable where T : class
{
    readonly IBusControl _bus;
    readonly ConcurrentQueue<T> _received;

    EventProbe(IBusControl bus, ConcurrentQueue<T> received)
    {
        _bus = bus;
        _received = received;
    }

    public IReadOnlyList<T> Received => _received.ToList();

    /// <summary>Starts listening on <paramref name="broker"/> (an AMQP connection string with the vhost) and returns once the queue is bound.</summary>
    public static async Task<EventProbe<T>> StartAsync(string broker, CancellationToken cancellationToken = default)
    {
        var uri = new Uri(broker);
        var credentials = uri.UserInfo.Split(':', 2);
        var virtualHost = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        var received = new ConcurrentQueue<T>();
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(uri.Host, (ushort)uri.Port, virtualHost.Length == 0 ? "/" : virtualHost, host =>
            {
                host.Username(credentials.Length > 0 && credentials[0].Length > 0 ? Uri.UnescapeDataString(credentials[0]) : "guest");
                host.Password(credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : "guest");
            });
            rabbit.ReceiveEndpoint($"probe-{typeof(T).Name}-{Guid.NewGuid():N}", endpoint =>
            {
                endpoint.AutoDelete = true;
                endpoint.Durable = false;
                endpoint.Handler<T>(context =>
                {
                    received.Enqueue(context.Message);
                    return Task.CompletedTask;
                });
            });
        });
        var handle = await bus.StartAsync(cancellationToken);
        await handle.Ready.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        return new EventProbe<T>(bus, received);
    }

    /// <summary>The first received message matching <paramref name="match"/>, waiting for it up to <paramref name="deadline"/> (60 s).</summary>
    public async Task<T> WaitForAsync(Func<T, bool> match, string because, TimeSpan? deadline = null)
    {
        T? found = null;
        await Eventually.WaitUntilAsync(() => (found = _received.FirstOrDefault(match)) is not null, deadline ?? TimeSpan.FromSeconds(60), because);
        return found!;
    }

    public async ValueTask DisposeAsync() => await _bus.StopAsync();
}
