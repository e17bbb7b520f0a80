using System.Text;
using PublicInnovation.AppHost.Infrastructure;
using RabbitMQ.Client;
using Shouldly;

namespace PublicInnovation.AppHost.Tests.Infrastructure;

/// <summary>A real private node from the OS package, in a directory and on ports of the test's own.</summary>
public sealed class RabbitMqNodeTests : IDisposable
{
    static CancellationToken Cancel => TestContext.Current.CancellationToken;

    readonly Scratch _scratch = new();

    [Fact]
    public async Task Start_makes_AMQP_reachable_and_a_restart_on_the_same_data_keeps_queued_messages()
    {
        var options = _scratch.RabbitMqOptions();
        await using var node = new RabbitMqNode(options);
        await node.StartAsync(Cancel);
        var connectionString = await node.CreateVirtualHostAsync("keep", cancellationToken: Cancel);
        await using (var connection = await ConnectAsync(connectionString))
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: Cancel))
        {
            await channel.QueueDeclareAsync("orders", durable: true, exclusive: false, autoDelete: false, cancellationToken: Cancel);
            await channel.BasicPublishAsync("", "orders", mandatory: true, new BasicProperties { Persistent = true }, Encoding.UTF8.GetBytes("kept"), cancellationToken: Cancel);
        }
        var firstPid = node.Pid;

        await node.StopAsync(Cancel);
        node.Pid.ShouldBeNull();
        OsProcess.IsAlive(firstPid!.Value).ShouldBeFalse();
        (await Ports.AcceptsAsync(options.AmqpPort, cancellationToken: Cancel)).ShouldBeFalse();

        await node.StartAsync(Cancel);
        await using (var connection = await ConnectAsync(connectionString))
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: Cancel))
        {
            var message = await channel.BasicGetAsync("orders", autoAck: true, cancellationToken: Cancel);
            Encoding.UTF8.GetString(message!.Body.Span).ShouldBe("kept");
        }
    }

    [Fact]
    public async Task Start_after_the_owner_vanished_stops_the_stale_node_and_starts_a_working_one()
    {
        var options = _scratch.RabbitMqOptions();
        var abandoned = new RabbitMqNode(options);
        await abandoned.StartAsync(Cancel);
        var stalePid = abandoned.Pid!.Value;

        // A new process (the next AppHost) knows only the data directory and the ports.
        await using var node = new RabbitMqNode(options);
        await node.StartAsync(Cancel);

        OsProcess.IsAlive(stalePid).ShouldBeFalse();
        node.Pid.ShouldNotBeNull().ShouldNotBe(stalePid);
        await using var connection = await ConnectAsync(node.ConnectionString);
        connection.IsOpen.ShouldBeTrue();
    }

    [Fact]
    public async Task Start_without_the_package_says_how_to_install_it()
    {
        var node = new RabbitMqNode(_scratch.RabbitMqOptions() with { BinDirectory = _scratch.Path("no-rabbitmq") });

        var failure = await Should.ThrowAsync<PrerequisiteMissingException>(node.StartAsync(Cancel));

        failure.Message.ShouldBe("rabbitmq-server is not installed: run `bash scripts/run.sh` (it installs it) or `apt-get install -y rabbitmq-server`.");
    }

    [Fact]
    public async Task Start_on_a_port_another_program_holds_names_the_port()
    {
        using var other = Scratch.Occupy(out var port);
        var node = new RabbitMqNode(_scratch.RabbitMqOptions() with { AmqpPort = port });

        var failure = await Should.ThrowAsync<PortInUseException>(node.StartAsync(Cancel));

        failure.Port.ShouldBe(port);
        failure.Message.ShouldBe($"Port {port} (RabbitMQ AMQP) is already in use by another program: stop it or choose another port.");
    }

    static Task<IConnection> ConnectAsync(string connectionString) =>
        new ConnectionFactory { Uri = new Uri(connectionString) }.CreateConnectionAsync();

    public void Dispose() => _scratch.Dispose();
}
