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
        services.AddSingleton<BrowserSessions>();
        services.AddSingleton<SignInCheck>();
        services.AddSingleton<LiveConnections>();
        DatabaseKeyRepository.Add(services);

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
                    OnValidatePrincipal = RejectEndedSignInAsync,
                    // Each sign-in names a session kept on the server, so sign-out ends it for every copy of the cookie.
                    OnSigningIn = context => Sessions(context.HttpContext).OnSigningInAsync(context),
                    OnCheckSlidingExpiration = context => Sessions(context.HttpContext).OnCheckSlidingExpirationAsync(context),
                    OnSigningOut = context => Sessions(context.HttpContext).OnSigningOutAsync(context),
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
        services.Configure<HubOptions>(options => options.AddFilter<HubAccessFilter>());
        services.AddScoped<HubAccessFilter>();
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

    private static BrowserSessions Sessions(HttpContext context) => context.RequestServices.GetRequiredService<BrowserSessions>();

    private static Task RedirectAsync(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    // A password change or reset, role change, deletion or sign-out ends the sign-in: old cookies stop working.
    private static async Task RejectEndedSignInAsync(CookieValidatePrincipalContext context)
    {
        var check = context.HttpContext.RequestServices.GetRequiredService<SignInCheck>();
        if (await check.GetStandingUserAsync(context.Principal) is null)
        {
            if (context.Principal?.FindFirstValue(BrowserSessions.SessionClaim) is { } session) await Sessions(context.HttpContext).EndAsync(session);
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(AuthSchemes.Cookie);
        }
    }
}
