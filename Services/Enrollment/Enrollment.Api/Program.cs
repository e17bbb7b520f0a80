using PublicInnovation.Enrollment.Api.Courses;
using PublicInnovation.Enrollment.Api.Data;
using PublicInnovation.Enrollment.Api.Enrollments;
using PublicInnovation.ServiceDefaults.Data;
using PublicInnovation.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();                          // telemetry, health, problem details, auth, OpenAPI
builder.AddServiceDatabase<EnrollmentDb>("enrollment-db");
builder.AddMessaging<EnrollmentDb>("enrollment", bus =>
{
    bus.AddConsumer<TrackPublishedCourseConsumer>();   // CoursePublished -> local course snapshot
});

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapServiceOpenApi("/api/enrollment");
app.MapEnrollmentEndpoints();

app.Run();
