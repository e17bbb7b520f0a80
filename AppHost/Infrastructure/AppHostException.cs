namespace PublicInnovation.AppHost.Infrastructure;

/// <summary>
/// A failure the developer can fix, stated in one sentence that says what to do. The AppHost prints the message
/// alone (no stack trace) and exits non-zero.
/// </summary>
public class AppHostException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A program the AppHost runs (rabbitmq-server, PostgreSQL) is not installed.</summary>
public sealed class PrerequisiteMissingException(string message) : AppHostException(message);

/// <summary>A fixed port is taken by a program that is not ours.</summary>
public sealed class PortInUseException(int port, string owner)
    : AppHostException($"Port {port} ({owner}) is already in use by another program: stop it or choose another port.")
{
    public int Port => port;

    /// <summary>What the port was meant for, e.g. <c>RabbitMQ AMQP</c>.</summary>
    public string Owner => owner;
}
