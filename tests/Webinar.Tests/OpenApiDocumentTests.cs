using PublicInnovation.Webinar.Api.Data;
using PublicInnovation.Testing;

namespace PublicInnovation.Webinar.Tests;

public sealed class OpenApiDocumentTests(TestInfrastructure infra) : OpenApiDocumentTests<WebinarDb>(infra, "webinar");
