using PublicInnovation.AppHost.Hosting;
using PublicInnovation.AppHost.Infrastructure;
using Shouldly;

namespace PublicInnovation.AppHost.Tests.Hosting;

public sealed class AppHostOptionsTests
{
    [Fact]
    public void Parse_without_arguments_gives_the_documented_defaults()
    {
        var options = AppHostOptions.Parse([]);

        options.DataDirectory.ShouldBe(Path.Combine(options.RepositoryRoot, ".apphost"));
        options.DashboardPort.ShouldBe(18888);
        options.RabbitMqPort.ShouldBe(5680);
        options.RabbitMqDistributionPort.ShouldBe(25680);
        options.RabbitMqNodeName.ShouldBe("pi-apphost@localhost");
        options.PostgresPort.ShouldBe(5440);
        options.HealthTimeout.ShouldBe(TimeSpan.FromSeconds(120));
        File.Exists(Path.Combine(options.RepositoryRoot, "PublicInnovation.sln")).ShouldBeTrue();
    }

    [Theory]
    [InlineData("enrollment-track-published-course")]
    [InlineData("enrollment-track-published-course_error")]
    public void Parse_redrive_names_the_consumer_queue(string queue)
    {
        var options = AppHostOptions.Parse(["redrive", queue, "--rabbitmq-port", "5700"]);

        options.Redrive.ShouldBe(new RedriveRequest("enrollment-track-published-course"));
        options.RabbitMqPort.ShouldBe(5700);
        options.Token.ShouldBeNull();
    }

    [Fact]
    public void Parse_reads_every_port_the_data_dir_and_existing_connection_strings()
    {
        var options = AppHostOptions.Parse([
            "--fresh", "--data-dir", "/tmp/pi-e2e", "--gateway-port", "9080", "--dashboard-port=19999", "--rabbitmq-port", "5700",
            "--postgres-port", "5460", "--ConnectionStrings:postgres", "Host=db;Username=u;Password=p",
        ]);

        options.Fresh.ShouldBeTrue();
        options.DataDirectory.ShouldBe("/tmp/pi-e2e");
        options.ProjectPorts["gateway"].ShouldBe(9080);
        options.DashboardPort.ShouldBe(19999);
        options.RabbitMqPort.ShouldBe(5700);
        options.RabbitMqDistributionPort.ShouldBe(25700);
        options.RabbitMqNodeName.ShouldBe("pi-apphost-5700@localhost");
        options.PostgresPort.ShouldBe(5460);
        options.ConnectionStrings["postgres"].ShouldBe("Host=db;Username=u;Password=p");
        options.Token.ShouldBeNull();
    }

    [Fact]
    public void Parse_of_the_token_command_reads_role_subject_and_client()
    {
        var subject = Guid.NewGuid();

        var options = AppHostOptions.Parse(["token", "partner", "--subject", subject.ToString(), "--client", "civic-app"]);

        options.Token.ShouldBe(new TokenRequest("partner", subject, "civic-app"));
    }

    [Theory]
    [InlineData(new[] { "--colour" }, "Unknown option --colour: see --help.")]
    [InlineData(new[] { "--gateway-port", "http" }, "--gateway-port 'http' is not a number.")]
    [InlineData(new[] { "--postgres-port", "70000" }, "--postgres-port 70000 is not a port number (0-65535).")]
    [InlineData(new[] { "--data-dir" }, "--data-dir needs a value: see --help.")]
    [InlineData(new[] { "token" }, "Which role? Use `token <learner|instructor|moderator|operator|partner>`.")]
    public void Parse_of_a_bad_command_line_gives_one_sentence(string[] args, string message)
    {
        Should.Throw<AppHostException>(() => AppHostOptions.Parse(args)).Message.ShouldBe(message);
    }
}
