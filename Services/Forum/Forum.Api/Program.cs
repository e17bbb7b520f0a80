using PublicInnovation.Forum.Api.Data;
using PublicInnovation.Forum.Api.Members;
using PublicInnovation.ServiceDefaults.Data;
using PublicInnovation.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();                          // telemetry, health, problem details, auth, OpenAPI
builder.AddServiceDatabase<ForumDb>("forum-db");
builder.AddMessaging<ForumDb>("forum", bus =>
{
    bus.AddConsumer<AddForumMemberConsumer>();   // LearnerEnrolled -> adds the learner to the course forum
});

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapServiceOpenApi("/api/forum");
app.MapMembersEndpoints();

app.Run();
