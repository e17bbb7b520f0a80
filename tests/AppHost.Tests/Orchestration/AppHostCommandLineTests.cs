using Microsoft.IdentityModel.JsonWebTokens;
using PublicInnovation.AppHost.Hosting;
using PublicInnovation.AppHost.Infrastructure;
using Shouldly;

namespace PublicInnovation.AppHost.Tests.Orchestration;

/// <summary>The AppHost as a developer starts it: its built dll, as a process, reporting failures in one sentence.</summary>
public sealed class AppHostCommandLineTests : IDisposable
{
    readonly Scratch _scratch = new();

    static string AppHostDll => typeof(AppHostOptions).Assembly.Location;

    Task<CommandResult> RunAsync(params string[] args) =>
        OsProcess.RunAsync("dotnet", [AppHostDll, .. args], new Dictionary<string, string?> { ["NO_COLOR"] = "1" },
            TimeSpan.FromMinutes(2), workingDirectory: AppHostOptions.FindRepositoryRoot());

    string[] FreePorts(string gatewayPort) =>
    [
        "--data-dir", _scratch.Path("data"), "--gateway-port", gatewayPort, "--dashboard-port", $"{Ports.FindFree()}",
        "--rabbitmq-port", $"{Ports.FindFree()}", "--rabbitmq-dist-port", $"{Ports.FindFree()}", "--postgres-port", $"{Ports.FindFree()}",
    ];

    [Fact]
    public async Task Start_with_the_gateway_port_taken_exits_1_with_one_sentence_naming_the_option()
    {
        using var other = Scratch.Occupy(out var port);

        var result = await RunAsync(FreePorts($"{port}"));

        result.ExitCode.ShouldBe(1);
        result.Output.Trim().ShouldBe($"Port {port} (gateway) is already in use by another program: stop it or start with --gateway-port <port>.");
    }

    [Fact]
    public async Task Start_without_rabbitmq_exits_1_with_one_sentence_saying_how_to_install_it()
    {
        var result = await RunAsync([.. FreePorts($"{Ports.FindFree()}"), "--rabbitmq-bin-dir", _scratch.Path("nowhere")]);

        result.ExitCode.ShouldBe(1);
        result.Output.Trim().ShouldBe("rabbitmq-server is not installed: run `bash scripts/run.sh` (it installs it) or `apt-get install -y rabbitmq-server`.");
    }

    [Fact]
    public async Task Start_without_postgresql_exits_1_with_one_sentence_saying_how_to_install_it()
    {
        var result = await RunAsync([.. FreePorts($"{Ports.FindFree()}"), "--postgres-bin-dir", _scratch.Path("nowhere")]);

        result.ExitCode.ShouldBe(1);
        result.Output.Trim().ShouldBe("PostgreSQL is not installed: run `bash scripts/run.sh` (it installs it) or `apt-get install -y postgresql`.");
    }

    [Fact]
    public async Task Token_command_prints_only_a_token_signed_with_the_data_directory_key()
    {
        var subject = Guid.NewGuid();

        var result = await RunAsync("token", "instructor", "--subject", subject.ToString(), "--data-dir", _scratch.Path("data"));

        result.ExitCode.ShouldBe(0);
        var key = File.ReadAllText(_scratch.Path("data/dev-signing-key"));
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(result.Output.Trim(), DevTokens.ValidationParameters(key));
        validation.IsValid.ShouldBeTrue(validation.Exception?.Message);
        validation.Claims["role"].ShouldBe("instructor");
        validation.Claims["sub"].ShouldBe(subject.ToString());
        Directory.EnumerateFileSystemEntries(_scratch.Path("data")).Select(Path.GetFileName).ShouldBe(["dev-signing-key"], "the token command starts nothing");
    }

    [Fact]
    public async Task Redrive_command_without_a_running_broker_says_so_in_one_sentence()
    {
        var result = await RunAsync("redrive", "enrollment-track-published-course", "--rabbitmq-port", $"{Ports.FindFree()}");

        result.ExitCode.ShouldNotBe(0);
        result.Output.Trim().ShouldStartWith("RabbitMQ does not answer at 127.0.0.1:");
        result.Output.ShouldNotContain("   at ");
    }

    public void Dispose() => _scratch.Dispose();
}
