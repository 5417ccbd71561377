using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace ImaginAI.Tracker.ApiDocs;

/// <summary>The "ApiDocs" configuration section.</summary>
public sealed class ApiDocsOptions
{
    public const string Section = "ApiDocs";

    /// <summary>An admin's choice to open /openapi/v1.json and /api/docs to anyone; otherwise they need sign-in.</summary>
    public bool Public { get; set; }
}

/// <summary>
/// The API's contract: the OpenAPI document at /openapi/v1.json (Microsoft.AspNetCore.OpenApi, built from the endpoints'
/// typed results and request bodies) and an interactive reference at /api/docs (Scalar, served from the package).
/// </summary>
public static class ApiDocsModule
{
    public const string DocumentPath = "/openapi/v1.json";

    // Scalar's page starts itself with an inline script and inline styles; this page alone may run them.
    private const string DocsContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IServiceCollection AddApiDocs(this IServiceCollection services)
    {
        services.AddOptions<ApiDocsOptions>().BindConfiguration(ApiDocsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOpenApi(options =>
        {
            // The JSON API only: pages, the hub and health probes are not part of the contract.
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "ImaginAI Tracker API",
                    Version = "v1",
                    Description = "Construction-site photos matched to project milestones. Sign in with a bearer token " +
                        "(POST /api/auth/token or the account page). Errors are application/problem+json.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An API token of the tracker.",
                };
                return Task.CompletedTask;
            });
            // A field left out when null ([JsonIgnore(WhenWritingNull)]) is optional, whatever the constructor says.
            options.AddSchemaTransformer((schema, context, _) =>
            {
                foreach (var property in context.JsonTypeInfo.Properties)
                    if (property.AttributeProvider?.GetCustomAttributes(typeof(JsonIgnoreAttribute), inherit: true)
                            .OfType<JsonIgnoreAttribute>().Any(a => a.Condition is JsonIgnoreCondition.WhenWritingNull or JsonIgnoreCondition.WhenWritingDefault) == true)
                        schema.Required?.Remove(property.Name);
                return Task.CompletedTask;
            });
            // Everything but sign-in needs a signed-in caller (the fallback policy): say so on each operation.
            options.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any()) return Task.CompletedTask;
                operation.Responses ??= new OpenApiResponses();
                operation.Responses.TryAdd("401", new OpenApiResponse { Description = "Sign-in required: send an API token as 'Authorization: Bearer <token>'." });
                return Task.CompletedTask;
            });
        });
        return services;
    }

    /// <summary>
    /// Documents a multipart form the handler reads itself. Unlike Accepts&lt;T&gt;, it does not make routing refuse
    /// other content types, so the handler still answers a wrong body in its own plain words.
    /// </summary>
    public static RouteHandlerBuilder DocumentsForm<TForm>(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(TForm), null, cancellationToken);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["multipart/form-data"] = new() { Schema = schema } },
            };
        });

    public static WebApplication MapApiDocs(this WebApplication app)
    {
        var open = app.Services.GetRequiredService<IOptions<ApiDocsOptions>>().Value.Public;
        var document = app.MapOpenApi(DocumentPath);
        var reference = app.MapScalarApiReference("/api/docs", options => options
            .WithTitle("ImaginAI Tracker API")
            .WithOpenApiRoutePattern(DocumentPath)
            .DisableDefaultFonts())
            .AddEndpointFilter(async (context, next) =>
            {
                context.HttpContext.Response.Headers.ContentSecurityPolicy = DocsContentSecurityPolicy;
                return await next(context);
            });
        if (open)
        {
            document.AllowAnonymous();
            reference.AllowAnonymous();
        }
        else
        {
            document.RequireAuthorization();
            reference.RequireAuthorization();
        }
        return app;
    }
}
