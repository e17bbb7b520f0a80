using System.Net;
using Shouldly;

namespace PublicInnovation.Gateway.Tests.Swagger;

public sealed class SwaggerUiTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Get_swagger_without_token_serves_the_ui_page()
    {
        var response = await fixture.Gateway.CreateClient().GetAsync("/swagger/index.html", Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        (await response.Content.ReadAsStringAsync(Cancel)).ShouldContain("PublicInnovation API");
    }

    [Fact]
    public async Task Get_swagger_configuration_lists_the_five_service_documents()
    {
        var client = fixture.Gateway.CreateClient();

        var script = await client.GetStringAsync("/swagger/index.js", Cancel);

        foreach (var service in GatewayApp.ServiceNames)
            script.ShouldContain($"/api/{service}/openapi/v1.json");
    }
}
