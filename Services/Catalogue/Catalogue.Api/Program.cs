using PublicInnovation.Catalogue.Api.Courses;
using PublicInnovation.Catalogue.Api.Data;
using PublicInnovation.ServiceDefaults.Data;
using PublicInnovation.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();                          // telemetry, health, problem details, auth, OpenAPI
builder.AddServiceDatabase<CatalogueDb>("catalogue-db");
builder.AddMessaging<CatalogueDb>("catalogue");        // publishes through the outbox; consumes nothing yet
builder.Services.AddCourses();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapServiceOpenApi("/api/catalogue");
app.MapCourseEndpoints();

app.Run();
