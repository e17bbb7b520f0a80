using PublicInnovation.Certification.Api.Data;
using PublicInnovation.Testing;

namespace PublicInnovation.Certification.Tests;

public sealed class OpenApiDocumentTests(TestInfrastructure infra) : OpenApiDocumentTests<CertificationDb>(infra, "certification");
