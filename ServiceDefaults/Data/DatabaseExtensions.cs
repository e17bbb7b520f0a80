using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using PublicInnovation.ServiceDefaults.Health;
using PublicInnovation.ServiceDefaults.Messaging.Outbox;

namespace PublicInnovation.ServiceDefaults.Data;

public static class DatabaseExtensions
{
    /// <summary>
    /// The service's own PostgreSQL database, from <c>ConnectionStrings:{connectionName}</c> (the name the AppHost
    /// or Aspire gives it), with a readiness check, the outbox commit signal, and migrations applied at start
    /// in Development.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase<TDb>(this IHostApplicationBuilder builder, string connectionName)
        where TDb : DbContext
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException(
                $"ConnectionStrings:{connectionName} is not set: start the platform with `dotnet run --project AppHost`.");

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<OutboxSignal>();
        builder.Services.TryAddSingleton<OutboxCommitInterceptor>();
        builder.Services.AddDbContext<TDb>((sp, options) => options
            .UseNpgsql(connectionString)
            .AddInterceptors(sp.GetRequiredService<OutboxCommitInterceptor>()));

        builder.Services.AddHealthChecks().AddDbContextCheck<TDb>($"{connectionName}", tags: [HealthExtensions.ReadyTag]);

        if (builder.Environment.IsDevelopment())
            builder.Services.AddHostedService<MigrateOnStart<TDb>>();
        return builder;
    }

    /// <summary>True when the save failed on a unique index: the handler answers 409 instead of 500.</summary>
    public static bool IsUniqueViolation(this DbUpdateException exception) =>
        exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <summary>
    /// Applies pending migrations before anything else starts (IHostedLifecycleService.StartingAsync runs before
    /// every StartAsync), so neither the web server nor the bus's consumers ever see an old schema.
    /// </summary>
    sealed class MigrateOnStart<TDb>(IServiceScopeFactory scopes, ILogger<MigrateOnStart<TDb>> logger) : IHostedLifecycleService
        where TDb : DbContext
    {
        public async Task StartingAsync(CancellationToken cancellationToken)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TDb>();
            // On a new database EF first queries a history table that does not exist yet and logs that failure
            // as an error; creating the (empty) table first keeps a first start's log free of false alarms.
            if (await db.GetService<IRelationalDatabaseCreator>().ExistsAsync(cancellationToken))
                await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count == 0) return;
            logger.LogInformation("Applying {Count} migration(s) to {Db}: {Migrations}", pending.Count, typeof(TDb).Name, pending);
            await db.Database.MigrateAsync(cancellationToken);
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
