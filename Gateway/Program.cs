using PublicInnovation.Gateway.Proxy;
using PublicInnovation.Gateway.RateLimiting;
using PublicInnovation.Gateway.RequestLimits;
using PublicInnovation.Gateway.Swagger;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();       // telemetry, health, problem details, JWT validation
builder.AddClientRateLimiting();    // per-client fixed window: 429 with Retry-After
builder.AddRequestBodyLimit();      // 413 before anything is forwarded
builder.AddGatewayProxy();          // YARP routes from appsettings.json, addresses from services:<name>:http:0

var app = builder.Build();

// The gateway's own /health and /alive: only /api/<service>/ prefixes are proxied, so they never reach a service.
app.MapDefaultEndpoints();
app.UseRateLimiter();
app.UseRequestBodyLimit();
app.MapServicesSwaggerUi();
app.MapGatewayProxy();

app.Run();
