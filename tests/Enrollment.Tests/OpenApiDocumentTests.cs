using PublicInnovation.Enrollment.Api.Data;
using PublicInnovation.Testing;

namespace PublicInnovation.Enrollment.Tests;

public sealed class OpenApiDocumentTests(TestInfrastructure infra) : OpenApiDocumentTests<EnrollmentDb>(infra, "enrollment");
