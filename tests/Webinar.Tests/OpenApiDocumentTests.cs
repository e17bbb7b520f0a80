using PublicInnovation.Webinar.Api.Data;
using PublicInnovation.Testing;
using Shouldly;

namespace PublicInnovation.Webinar.Tests;

/// <summary>docs/api/webinar.openapi.json is the published description of this API: it must match what the service serves.</summary>
public sealed class OpenApiDocumentTests(TestInfrastructure infra)
{
    [Fact]
    public async Task OpenApi_document_matches_the_committed_docs()
    {
        await using var app = await ServiceApp<WebinarDb>.StartAsync(infra, "webinar", cancellationToken: TestContext.Current.CancellationToken);

        var (live, committed) = await app.OpenApiDocumentsAsync("webinar", cancellationToken: TestContext.Current.CancellationToken);

        live.ShouldBe(committed, "docs/api/webinar.openapi.json is stale: run UPDATE_API_DOCS=1 bash scripts/test.sh, review and commit it");
    }
}
