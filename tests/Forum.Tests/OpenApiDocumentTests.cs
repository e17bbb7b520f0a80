using PublicInnovation.Forum.Api.Data;
using PublicInnovation.Testing;

namespace PublicInnovation.Forum.Tests;

public sealed class OpenApiDocumentTests(TestInfrastructure infra) : OpenApiDocumentTests<ForumDb>(infra, "forum");
