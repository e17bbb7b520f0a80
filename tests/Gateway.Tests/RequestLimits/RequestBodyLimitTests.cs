using System.Net;
using System.Net.Http.Json;
using Shouldly;

namespace PublicInnovation.Gateway.Tests.RequestLimits;

public sealed class RequestBodyLimitTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Post_body_within_limit_is_forwarded_whole()
    {
        var path = $"/api/forum/posts/{Guid.NewGuid()}";

        var response = await fixture.Gateway.ClientWithToken().PostAsync(path, new ByteArrayContent(new byte[GatewayFixture.MaxBodyBytes]), Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<EchoedRequest>(Cancel))!.BodyLength.ShouldBe(GatewayFixture.MaxBodyBytes);
    }

    [Fact]
    public async Task Post_body_over_limit_returns_413_and_never_reaches_service()
    {
        var path = $"/api/forum/posts/{Guid.NewGuid()}";

        var response = await fixture.Gateway.ClientWithToken().PostAsync(path, new ByteArrayContent(new byte[GatewayFixture.MaxBodyBytes + 1]), Cancel);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        problem.GetProperty("detail").GetString()!.ShouldContain($"limit of {GatewayFixture.MaxBodyBytes} bytes");
        fixture.Echo.ReceivedUnder(path).ShouldBeEmpty();
    }

    [Fact]
    public async Task Post_chunked_body_over_limit_returns_413_and_service_gets_no_whole_request()
    {
        var path = $"/api/certification/evidence/{Guid.NewGuid()}";

        var response = await fixture.Gateway.ClientWithToken().SendAsync(Chunked(path, 4 * GatewayFixture.MaxBodyBytes), Cancel);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        problem.GetProperty("detail").GetString()!.ShouldContain($"limit of {GatewayFixture.MaxBodyBytes} bytes");
        fixture.Echo.ReceivedUnder(path).ShouldBeEmpty();
    }

    // Kestrel counts chunk framing (size lines, CRLFs) against the limit too, so a chunked body just under the
    // limit may be refused: half of it is comfortably within.
    [Fact]
    public async Task Post_chunked_body_within_limit_is_forwarded_whole()
    {
        var path = $"/api/certification/evidence/{Guid.NewGuid()}";

        var response = await fixture.Gateway.ClientWithToken().SendAsync(Chunked(path, GatewayFixture.MaxBodyBytes / 2), Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var seen = (await response.Content.ReadFromJsonAsync<EchoedRequest>(Cancel))!;
        seen.BodyLength.ShouldBe(GatewayFixture.MaxBodyBytes / 2);
        seen.Header("Content-Length").ShouldBeNull();
    }

    static HttpRequestMessage Chunked(string path, long length)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ChunkedContent(length) };
        request.Headers.TransferEncodingChunked = true;
        return request;
    }

    /// <summary>A body of unknown length, so HttpClient sends it chunked, without Content-Length.</summary>
    sealed class ChunkedContent(long length) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = new byte[256];
            for (long sent = 0; sent < length; sent += chunk.Length)
            {
                await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, length - sent)));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
