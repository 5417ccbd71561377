using System.Security.Claims;
using ImaginAI.Tracker.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.SignalR;

namespace ImaginAI.Tracker.Security;

public static class AuthSchemes
{
    public const string Cookie = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string Bearer = "Bearer";

    /// <summary>The default: a bearer token when the request carries one, else the browser's cookie.</summary>
    public const string CookieOrBearer = "CookieOrBearer";
}

public static class SecurityModule
{
    public static IServiceCollection AddTrackerSecurity(this IServiceCollection services)
    {
        services.AddTransient<IStartupFilter, SecurityHeadersStartupFilter>();
        services.AddScoped<ProjectAccess>();

        services.AddAuthentication(AuthSchemes.CookieOrBearer)
            .AddPolicyScheme(AuthSchemes.CookieOrBearer, "Cookie or bearer token", options =>
                options.ForwardDefaultSelector = context =>
                    ApiTokenAuthenticationHandler.HasToken(context) ? AuthSchemes.Bearer : AuthSchemes.Cookie)
            .AddCookie(AuthSchemes.Cookie, options =>
            {
                options.LoginPath = "/account/login";
                options.LogoutPath = "/account/logout";
                options.Cookie.Name = "imaginai.auth";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.SlidingExpiration = true;
                options.ExpireTimeSpan = TimeSpan.FromHours(12);
                options.Events = new CookieAuthenticationEvents
                {
                    OnRedirectToLogin = context => SecurityProblems.WantsJson(context.HttpContext)
                        ? SecurityProblems.WriteSignInRequiredAsync(context.HttpContext)
                        : RedirectAsync(context),
                    OnRedirectToAccessDenied = context => SecurityProblems.WantsJson(context.HttpContext)
                        ? SecurityProblems.WriteForbiddenAsync(context.HttpContext)
                        : SecurityProblems.WritePageAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Not allowed",
                            "Your role does not allow this. Ask a manager of the project or an admin."),
                    OnValidatePrincipal = RejectStaleCookieAsync,
                };
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(AuthSchemes.Bearer, null);

        services.AddAuthorization(Policies.Add);
        services.AddScoped<IAuthorizationHandler, ProjectAccessHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, NotFoundForOutsidersResultHandler>();
        services.AddRateLimiter(SignInRateLimit.Add);
        services.AddAntiforgery(options =>
        {
            options.HeaderName = CookieRequestForgeryMiddleware.HeaderName;
            options.Cookie.Name = "imaginai.csrf";
        });
        services.Configure<MvcOptions>(options => options.Filters.Add(new AutoValidateAntiforgeryTokenAttribute()));
        services.Configure<HubOptions>(options => options.AddFilter<ProjectMembershipHubFilter>());
        services.AddScoped<ProjectMembershipHubFilter>();
        return services;
    }

    /// <summary>Sign-in, the first-run redirect, forgery checks and authorization, in that order; after routing.</summary>
    public static WebApplication UseTrackerSecurity(this WebApplication app)
    {
        app.UseMiddleware<FirstRunMiddleware>();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseMiddleware<CookieRequestForgeryMiddleware>();
        app.UseAuthorization();
        app.UseMiddleware<AuditedRequestsMiddleware>();
        return app;
    }

    private static Task RedirectAsync(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    // A password reset, role change or deletion changes (or removes) the security stamp: old cookies stop working.
    private static async Task RejectStaleCookieAsync(CookieValidatePrincipalContext context)
    {
        var users = context.HttpContext.RequestServices.GetRequiredService<UserRepository>();
        var user = context.Principal?.TryGetUserId() is { } id ? await users.GetByIdAsync(id) : null;
        if (user is null || user.SecurityStamp != context.Principal!.FindFirstValue(ClaimsPrincipalExtensions.SecurityStampClaim))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(AuthSchemes.Cookie);
        }
    }
}
