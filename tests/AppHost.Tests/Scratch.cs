using System.Net;
using System.Net.Sockets;
using PublicInnovation.AppHost.Infrastructure;

namespace PublicInnovation.AppHost.Tests;

/// <summary>A temporary directory and free ports for one test's own nodes; deleted (nodes stopped first) at the end.</summary>
sealed class Scratch : IDisposable
{
    public string Directory { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pi-apphost-tests", Guid.NewGuid().ToString("N")[..12]);

    public Scratch() => System.IO.Directory.CreateDirectory(Directory);

    public string Path(string name) => System.IO.Path.Combine(Directory, name);

    public RabbitMqNodeOptions RabbitMqOptions() => new()
    {
        DataDirectory = Path("rabbitmq"),
        AmqpPort = Ports.FindFree(),
        DistributionPort = Ports.FindFree(),
        NodeName = $"pi-t-{System.IO.Path.GetFileName(Directory)}@localhost",
    };

    public PostgresClusterOptions PostgresOptions() => new()
    {
        DataDirectory = Path("postgres"),
        Port = Ports.FindFree(),
        Durable = false,
    };

    /// <summary>Holds a port as "another program" would.</summary>
    public static TcpListener Occupy(out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
