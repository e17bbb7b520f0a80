using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shouldly;

namespace PublicInnovation.Gateway.Tests;

public static class Problems
{
    /// <summary>Asserts a problem+json answer with this status and returns its body.</summary>
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        response.StatusCode.ShouldBe(status);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        problem.GetProperty("status").GetInt32().ShouldBe((int)status);
        problem.GetProperty("title").GetString().ShouldNotBeNullOrWhiteSpace();
        problem.TryGetProperty("traceId", out _).ShouldBeTrue();
        return problem;
    }
}
