using ImaginAI.Tracker.Security;

namespace ImaginAI.Tracker.Accounts;

/// <summary>
/// Until the first account exists, browsers are sent to the set-up page and API calls are told how to create it.
/// Once a user exists that stays true, so the check costs one query per process.
/// </summary>
public sealed class FirstRunState(UserRepository users)
{
    private volatile bool usersExist;

    public async Task<bool> UsersExistAsync() => usersExist || (usersExist = await users.AnyAsync());

    public void MarkUsersExist() => usersExist = true;
}

internal sealed class FirstRunMiddleware(RequestDelegate next, FirstRunState state)
{
    public const string SetupPath = "/account/setup";

    public async Task InvokeAsync(HttpContext context)
    {
        if (await state.UsersExistAsync() || context.Request.Path.StartsWithSegments(SetupPath)
            || context.Request.Path.StartsWithSegments("/health"))
        {
            await next(context);
            return;
        }
        if (SecurityProblems.WantsJson(context))
        {
            await SecurityProblems.WriteAsync(context, StatusCodes.Status401Unauthorized, "No account yet",
                $"Nobody can sign in yet. Open {SetupPath} in a browser to create the first admin, or start the tracker with Admin__Email and Admin__Password set.");
            return;
        }
        context.Response.Redirect(SetupPath);
    }
}

/// <summary>
/// Creates the admin named by Admin:Email / Admin:Password at start-up, for scripted installs. Registered after
/// the database migrator, so the schema is there, and before the server starts taking requests.
/// </summary>
public sealed class ConfiguredAdmin(IConfiguration configuration, IServiceScopeFactory scopes, FirstRunState state,
    ILogger<ConfiguredAdmin> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var email = configuration["Admin:Email"];
        var password = configuration["Admin:Password"];
        if (string.IsNullOrWhiteSpace(email) && string.IsNullOrEmpty(password)) return;
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
            throw new InvalidOperationException("Set both Admin:Email and Admin:Password (Admin__Email and Admin__Password) to create the first admin, or neither.");

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserRepository>();
        if (await users.GetByEmailAsync(email) is not null)
        {
            // The configured password is not re-applied: it would undo a password changed in the web since.
            logger.LogInformation("The configured admin {Email} already exists.", email);
            state.MarkUsersExist();
            return;
        }
        scope.ServiceProvider.GetRequiredService<AuditLog>().ActorWithoutRequest = "configuration (Admin:Email)";
        try
        {
            await scope.ServiceProvider.GetRequiredService<AccountService>().CreateUserAsync(email, password, Roles.Admin);
        }
        catch (AccountException e)
        {
            throw new InvalidOperationException($"Cannot create the admin from Admin:Email/Admin:Password: {e.Message}", e);
        }
        state.MarkUsersExist();
        logger.LogInformation("Created the admin {Email} from configuration.", email);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
