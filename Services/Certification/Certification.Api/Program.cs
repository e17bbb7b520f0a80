using PublicInnovation.Certification.Api.Data;
using PublicInnovation.Certification.Api.Candidates;
using PublicInnovation.ServiceDefaults.Data;
using PublicInnovation.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();                          // telemetry, health, problem details, auth, OpenAPI
builder.AddServiceDatabase<CertificationDb>("certification-db");
builder.AddMessaging<CertificationDb>("certification", bus =>
{
    bus.AddConsumer<OpenCertificationRecordConsumer>();   // LearnerEnrolled -> opens the learner's certification record for the course
});

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapServiceOpenApi("/api/certification");
app.MapCandidatesEndpoints();

app.Run();
