using PublicInnovation.Webinar.Api.Data;
using PublicInnovation.Webinar.Api.Participants;
using PublicInnovation.ServiceDefaults.Data;
using PublicInnovation.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();                          // telemetry, health, problem details, auth, OpenAPI
builder.AddServiceDatabase<WebinarDb>("webinar-db");
builder.AddMessaging<WebinarDb>("webinar", bus =>
{
    bus.AddConsumer<GrantWebinarAccessConsumer>();   // LearnerEnrolled -> grants the learner access to the course's live webinars
});

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapServiceOpenApi("/api/webinar");
app.MapParticipantsEndpoints();

app.Run();
