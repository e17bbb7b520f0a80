// The local platform, as Aspire's AppHost would describe it: a broker, a database server with one database per
// service, the five services and the gateway in front of them. `dotnet run --project AppHost -- --help`.
var builder = DistributedApplication.CreateBuilder(args);

var messaging = builder.AddRabbitMQ("messaging");
var postgres = builder.AddPostgres("postgres");

var catalogue = builder.AddProject("catalogue", "Services/Catalogue/Catalogue.Api")
    .WithReference(postgres.AddDatabase("catalogue-db")).WithReference(messaging).WaitFor(postgres).WaitFor(messaging);
var enrollment = builder.AddProject("enrollment", "Services/Enrollment/Enrollment.Api")
    .WithReference(postgres.AddDatabase("enrollment-db")).WithReference(messaging).WaitFor(postgres).WaitFor(messaging);
var webinar = builder.AddProject("webinar", "Services/Webinar/Webinar.Api")
    .WithReference(postgres.AddDatabase("webinar-db")).WithReference(messaging).WaitFor(postgres).WaitFor(messaging);
var forum = builder.AddProject("forum", "Services/Forum/Forum.Api")
    .WithReference(postgres.AddDatabase("forum-db")).WithReference(messaging).WaitFor(postgres).WaitFor(messaging);
var certification = builder.AddProject("certification", "Services/Certification/Certification.Api")
    .WithReference(postgres.AddDatabase("certification-db")).WithReference(messaging).WaitFor(postgres).WaitFor(messaging);

builder.AddProject("gateway", "Gateway")
    .WithReference(catalogue).WithReference(enrollment).WithReference(webinar).WithReference(forum).WithReference(certification)
    .WithHttpEndpoint(port: 8080)
    .WaitFor(catalogue).WaitFor(enrollment).WaitFor(webinar).WaitFor(forum).WaitFor(certification);

await builder.Build().RunAsync();
