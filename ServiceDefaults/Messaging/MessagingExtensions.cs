using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PublicInnovation.ServiceDefaults.Messaging.Inbox;
using PublicInnovation.ServiceDefaults.Messaging.Outbox;

namespace PublicInnovation.ServiceDefaults.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// MassTransit over RabbitMQ (<c>ConnectionStrings:messaging</c>, an <c>amqp://</c> URI), with queues named
    /// <c>{serviceName}-{consumer}</c>, message retry then the <c>_error</c> queue, the idempotent inbox around
    /// every consumer, the outbox relay for <typeparamref name="TDb"/>, and usage telemetry off.
    /// Requires <c>AddServiceDatabase&lt;TDb&gt;</c> first.
    /// </summary>
    public static IHostApplicationBuilder AddMessaging<TDb>(this IHostApplicationBuilder builder, string serviceName,
        Action<IBusRegistrationConfigurator>? configure = null) where TDb : DbContext
    {
        var connectionString = builder.Configuration.GetConnectionString("messaging")
            ?? throw new InvalidOperationException(
                "ConnectionStrings:messaging is not set: start the platform with `dotnet run --project AppHost`.");
        var broker = new Uri(connectionString);

        builder.Services.AddScoped(sp => new MessagingDb(sp.GetRequiredService<TDb>()));
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration("Outbox");
        builder.Services.AddOptions<RetryOptions>().BindConfiguration("Messaging:Retry");
        builder.Services.AddHostedService<OutboxRelay<TDb>>();

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, false));
            bus.ConfigureUsageTelemetryOptions(o => o.Enabled = false);
            configure?.Invoke(bus);

            bus.AddConfigureEndpointsCallback((context, _, endpoint) =>
            {
                // Order matters: retry wraps the inbox, so each attempt runs in a fresh transaction; after the
                // last attempt MassTransit moves the message to <queue>_error, from where it can be re-driven.
                var retry = context.GetRequiredService<Microsoft.Extensions.Options.IOptions<RetryOptions>>().Value;
                endpoint.UseMessageRetry(r => r.Intervals(retry.Schedule));
                endpoint.UseConsumeFilter(typeof(InboxFilter<>), context);
            });

            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(broker.Host, (ushort)(broker.IsDefaultPort ? 5672 : broker.Port), VirtualHost(broker), host =>
                {
                    var (user, password) = Credentials(broker);
                    host.Username(user);
                    host.Password(password);
                });
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    static string VirtualHost(Uri broker)
    {
        var path = Uri.UnescapeDataString(broker.AbsolutePath.TrimStart('/'));
        return path.Length == 0 ? "/" : path;
    }

    static (string User, string Password) Credentials(Uri broker)
    {
        if (string.IsNullOrEmpty(broker.UserInfo)) return ("guest", "guest");
        var parts = broker.UserInfo.Split(':', 2);
        return (Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "");
    }
}

/// <summary>Immediate-retry schedule before a message goes to the error queue, section <c>Messaging:Retry</c>.</summary>
public sealed class RetryOptions
{
    static readonly TimeSpan[] Default = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)];

    // Null by default: the configuration binder appends to a pre-filled array instead of replacing it.
    public TimeSpan[]? Intervals { get; set; }

    public TimeSpan[] Schedule => Intervals is { Length: > 0 } ? Intervals : Default;
}
