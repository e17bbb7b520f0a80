using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PublicInnovation.ServiceDefaults.Errors;

public static class ProblemDetailsExtensions
{
    /// <summary>
    /// Every error leaves as <c>application/problem+json</c>: unhandled exceptions (500 without internals),
    /// unreadable requests (400 naming the field), bodies over the limit (413), and empty 401/403/404 results.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformProblemDetails(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            // The bare W3C trace id (ASP.NET Core puts the whole traceparent here): what an operator pastes into
            // the trace view to find every span of the failed request.
            if (context.HttpContext.Features.Get<IHttpActivityFeature>()?.Activity is { } activity)
                context.ProblemDetails.Extensions["traceId"] = activity.TraceId.ToString();
        });
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Minimal APIs answer an unreadable body with a bare 400 unless told to throw; throwing lets the handler
        // above say which field was wrong.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return builder;
    }

    /// <summary>Exception handler and status-code pages, both writing problem details.</summary>
    public static IApplicationBuilder UsePlatformProblemDetails(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}

/// <summary>
/// Turns <see cref="BadHttpRequestException"/> (malformed JSON, wrong types, oversized bodies) into a problem
/// detail with the request's own status code and, for JSON errors, the path of the offending field.
/// </summary>
sealed class BadRequestExceptionHandler(IProblemDetailsService problems, ILogger<BadRequestExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
            return false;

        logger.LogInformation("Rejected request: {Reason}", bad.Message);
        httpContext.Response.StatusCode = bad.StatusCode;
        var problem = new ProblemDetails
        {
            Status = bad.StatusCode,
            Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "The request could not be read",
            Detail = bad.Message,
        };
        if (FindJsonError(bad) is { } json)
        {
            var field = string.IsNullOrEmpty(json.Path) ? "$" : json.Path;
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [FirstLine(json.Message)] };
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    static JsonException? FindJsonError(Exception exception)
    {
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
            if (e is JsonException json)
                return json;
        return null;
    }

    static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
