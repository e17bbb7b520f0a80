using PublicInnovation.AppHost.Hosting;
using PublicInnovation.AppHost.Orchestration;
using Shouldly;

namespace PublicInnovation.AppHost.Tests.Orchestration;

public sealed class ProjectEnvironmentTests
{
    [Fact]
    public void Project_environment_uses_Aspire_variable_names()
    {
        var builder = DistributedApplication.CreateBuilder(new AppHostOptions { RepositoryRoot = "/repo", DataDirectory = "/repo/.apphost" });
        var messaging = builder.AddRabbitMQ("messaging");
        var database = builder.AddPostgres("postgres").AddDatabase("forum-db");
        var catalogue = builder.AddProject("catalogue", "Services/Catalogue/Catalogue.Api");
        var forum = builder.AddProject("forum", "Services/Forum/Forum.Api").WithReference(database).WithReference(messaging).WithReference(catalogue);

        var environment = ProjectEnvironment.Build(forum.Resource, "http://127.0.0.1:41000", "Development",
            reference => reference.Name == "messaging" ? "amqp://guest:guest@127.0.0.1:5680/" : "Host=127.0.0.1;Port=5440;Database=forum",
            _ => "http://127.0.0.1:41001", "http://127.0.0.1:18888", "a2V5");

        environment["ASPNETCORE_ENVIRONMENT"].ShouldBe("Development");
        environment["ASPNETCORE_URLS"].ShouldBe("http://127.0.0.1:41000");
        environment["ConnectionStrings__messaging"].ShouldBe("amqp://guest:guest@127.0.0.1:5680/");
        environment["ConnectionStrings__forum-db"].ShouldBe("Host=127.0.0.1;Port=5440;Database=forum");
        environment["services__catalogue__http__0"].ShouldBe("http://127.0.0.1:41001");
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"].ShouldBe("http://127.0.0.1:18888");
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"].ShouldBe("http/protobuf");
        environment["OTEL_SERVICE_NAME"].ShouldBe("forum");
        environment["OTEL_BSP_SCHEDULE_DELAY"].ShouldBe("1000");
        environment["OTEL_BLRP_SCHEDULE_DELAY"].ShouldBe("1000");
        environment["OTEL_METRIC_EXPORT_INTERVAL"].ShouldBe("5000");
        environment["Auth__DevSigningKey"].ShouldBe("a2V5");
        environment["ASPNETCORE_HTTP_PORTS"].ShouldBeNull("an inherited port setting would move the service");
    }

    [Fact]
    public void Project_environment_outside_Development_carries_no_development_key()
    {
        var builder = DistributedApplication.CreateBuilder(new AppHostOptions { RepositoryRoot = "/repo", DataDirectory = "/repo/.apphost" });
        var gateway = builder.AddProject("gateway", "Gateway");

        var environment = ProjectEnvironment.Build(gateway.Resource, "http://127.0.0.1:8080", "Staging", _ => "", _ => "", "http://127.0.0.1:18888", "a2V5");

        environment["ASPNETCORE_ENVIRONMENT"].ShouldBe("Staging");
        environment.ShouldNotContainKey("Auth__DevSigningKey");
    }
}
