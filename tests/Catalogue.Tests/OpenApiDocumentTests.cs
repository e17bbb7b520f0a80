using PublicInnovation.Catalogue.Api.Data;
using PublicInnovation.Testing;

namespace PublicInnovation.Catalogue.Tests;

public sealed class OpenApiDocumentTests(TestInfrastructure infra) : OpenApiDocumentTests<CatalogueDb>(infra, "catalogue");
