using ImaginAI.Tracker.Security;
using Microsoft.AspNetCore.Identity;

namespace ImaginAI.Tracker.Accounts;

public static class AccountsModule
{
    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AccountOptions>(configuration.GetSection("Accounts"));
        services.AddSingleton<AccountsDatabase>();
        services.AddSingleton<UserRepository>();
        services.AddSingleton<MembershipRepository>();
        services.AddSingleton<ApiTokenRepository>();
        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddSingleton<FirstRunState>();
        services.AddScoped<AccountService>();
        services.AddScoped<ConfiguredAdmin>();
        services.AddTrackerSecurity();
        return services;
    }

    public static WebApplication MapAccounts(this WebApplication app)
    {
        app.MapTokenApi();
        return app;
    }

    /// <summary>Creates the configured admin; call once the database schema is up to date.</summary>
    public static async Task EnsureConfiguredAdminAsync(this IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ConfiguredAdmin>().EnsureCreatedAsync();
    }
}
