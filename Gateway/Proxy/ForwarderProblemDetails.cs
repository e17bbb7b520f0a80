using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace PublicInnovation.Gateway.Proxy;

/// <summary>
/// YARP reports a failed forward by setting a status (502, 503, 504, or the client's 400/413) and leaving the body
/// empty. This writes a problem detail naming the service, without the exception's internals.
/// </summary>
sealed class ForwarderProblemDetails(RequestDelegate next, IProblemDetailsService problems, IOptionsMonitor<GatewayOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);

        if (context.GetForwarderErrorFeature() is not { } failure || context.Response.HasStarted
            || context.Response.StatusCode < 400 || context.RequestAborted.IsCancellationRequested)
            return;

        var service = context.GetReverseProxyFeature().Cluster?.Config.ClusterId ?? "the";
        var status = context.Response.StatusCode;
        var (title, detail) = (failure.Error, status) switch
        {
            (ForwarderError.NoAvailableDestinations, _) =>
                ("Service unavailable", $"No instance of the {service} service is available."),
            (ForwarderError.RequestTimedOut, _) =>
                ("Gateway timeout", $"The {service} service did not answer in time."),
            (ForwarderError.RequestBodyClient, StatusCodes.Status413PayloadTooLarge) =>
                ("Request body too large", $"The request body exceeds the limit of {options.CurrentValue.MaxRequestBodyBytes} bytes."),
            (ForwarderError.RequestBodyClient, _) =>
                ("The request could not be read", "The request body could not be read from the client."),
            _ => ("Bad gateway", $"The {service} service could not be reached or failed to answer."),
        };

        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
