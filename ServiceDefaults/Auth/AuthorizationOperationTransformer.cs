using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PublicInnovation.ServiceDefaults.Auth;

/// <summary>
/// Tells API consumers (partner apps first) who may call each operation: the roles it requires in its
/// description, and the 401/403 problem answers a protected operation can give. Anonymous operations say so.
/// </summary>
sealed class AuthorizationOperationTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Security = [];
            return Task.CompletedTask;
        }

        // Every other endpoint needs a token (the fallback policy); a role policy narrows who may call it.
        var roles = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).Where(p => p is not null && Roles.All.Contains(p))
            .Concat(metadata.OfType<AuthorizationPolicy>().SelectMany(p => p.Requirements)
                .OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles))
            .Distinct().ToList();
        var who = roles.Count == 0 ? "Any signed-in caller." : $"Requires the role {string.Join(" or ", roles)}.";
        operation.Description = string.IsNullOrEmpty(operation.Description) ? who : $"{operation.Description} {who}";

        operation.Responses ??= new OpenApiResponses();
        operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No valid bearer token (application/problem+json)." });
        if (roles.Count > 0)
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The token's role may not call this (application/problem+json)." });
        return Task.CompletedTask;
    }
}
