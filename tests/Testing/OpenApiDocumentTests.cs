using Microsoft.EntityFrameworkCore;
using Shouldly;

namespace PublicInnovation.Testing;

/// <summary>
/// docs/api/SERVICE.openapi.json is the published description of a service's API: it must match what the service
/// serves. Each service's test project derives one line from this.
/// </summary>
public abstract class OpenApiDocumentTests<TDb>(TestInfrastructure infra, string service) where TDb : DbContext
{
    [Fact]
    public async Task OpenApi_document_matches_the_committed_docs()
    {
        await using var app = await ServiceApp<TDb>.StartAsync(infra, service, cancellationToken: TestContext.Current.CancellationToken);

        var (live, committed) = await app.OpenApiDocumentsAsync(service, TestContext.Current.CancellationToken);

        live.ShouldBe(committed, $"docs/api/{service}.openapi.json is stale: run UPDATE_API_DOCS=1 bash scripts/test.sh, review and commit it");
    }
}
