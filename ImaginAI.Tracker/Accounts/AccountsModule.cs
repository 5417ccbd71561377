using ImaginAI.Tracker.Security;
using Microsoft.AspNetCore.Identity;

namespace ImaginAI.Tracker.Accounts;

public static class AccountsModule
{
    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAccountStore(configuration);
        services.AddSingleton<FirstRunState>();
        services.AddHostedService<ConfiguredAdmin>();
        services.AddTrackerSecurity();
        return services;
    }

    /// <summary>Users, memberships, tokens and the audit trail without the web: what the users CLI verb needs.</summary>
    internal static IServiceCollection AddAccountStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AccountOptions>().BindConfiguration(AccountOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpContextAccessor();
        services.AddScoped<AuditLog>();
        
        services.AddSingleton<UserRepository>();
        services.AddSingleton<MembershipRepository>();
        services.AddSingleton<ApiTokenRepository>();
        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddScoped<AccountService>();
        return services;
    }

    public static WebApplication MapAccounts(this WebApplication app)
    {
        app.MapTokenApi();
        return app;
    }
}
