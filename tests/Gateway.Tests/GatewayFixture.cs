namespace PublicInnovation.Gateway.Tests;

/// <summary>
/// One echo destination and one gateway for a test class. The body limit is tiny (1 KiB) so size tests need no
/// large payloads; the rate limit stays at its default, and every test uses its own client id and paths anyway.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const long MaxBodyBytes = 1024;

    public EchoServer Echo { get; private set; } = null!;
    public GatewayApp Gateway { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Echo = await EchoServer.StartAsync();
        Gateway = GatewayApp.Start(Echo.Url, new Dictionary<string, string?>
        {
            ["Gateway:MaxRequestBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Echo.DisposeAsync();
    }
}
