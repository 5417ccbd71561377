using ImaginAI.Tracker.Data;
using ImaginAI.Tracker.Security;

namespace ImaginAI.Tracker.Accounts;

/// <summary>
/// `users add|list|reset-password|token`: account recovery from the server's shell, for an admin locked out of the
/// web. Works on the database directly (same configuration as the web app); never starts the web host.
/// </summary>
public static class UsersCliVerb
{
    public const string Name = "users";
    private const string PasswordStdin = "--password-stdin";

    private sealed record Command(string Name, string? Email, Dictionary<string, string> Options);

    private const string Usage = """
        Usage: dotnet run --project ImaginAI.Tracker -- users <command>
          users list                                   the accounts, their roles and whether they are locked
          users add <email> [--role admin|manager|field] [--password-stdin]
                                                       add an account (default role: field)
          users reset-password <email> [--password-stdin]
                                                       set a new password; also unlocks the account
          users token <email> [--name <name>]          print a new API token for the account
        Without --password-stdin the password is asked for (not echoed). The data directory is the web app's
        (Storage__DataDirectory, default ./data).
        """;

    /// <summary>Runs the verb; <paramref name="args"/> are what follows "users" on the command line.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var (options, operands) = CliVerbs.Parse(args, PasswordStdin);
        if (operands.Count == 0 || operands[0] is "-h" or "--help" or "help" || args.Contains("--help"))
        {
            Console.WriteLine(Usage);
            return operands.Count == 0 && !args.Contains("--help") ? 2 : 0;
        }
        var command = new Command(operands[0], operands.Skip(1).FirstOrDefault(), options);
        await using var services = await BuildServicesAsync();
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        provider.GetRequiredService<AuditLog>().ActorWithoutRequest = $"command line ({Environment.UserName})";
        var users = provider.GetRequiredService<UserRepository>();
        var accounts = provider.GetRequiredService<AccountService>();
        try
        {
            return command.Name switch
            {
                "list" => await ListAsync(users),
                "add" => await AddAsync(accounts, command),
                "reset-password" => await ResetPasswordAsync(users, accounts, command),
                "token" => await TokenAsync(users, accounts, command),
                _ => Fail($"Unknown command \"{command.Name}\".\n{Usage}"),
            };
        }
        catch (AccountException e)
        {
            return Fail(e.Message);
        }
    }

    private static async Task<int> ListAsync(UserRepository users)
    {
        var all = await users.GetAllAsync();
        if (all.Count == 0) Console.WriteLine("No accounts yet. Add the first admin with: users add <email> --role admin");
        var now = DateTimeOffset.UtcNow;
        foreach (var user in all)
            Console.WriteLine($"{user.Email,-40} {user.Role,-8} {(user.IsLockedOut(now) ? $"locked until {user.LockedUntil:yyyy-MM-dd HH:mm} UTC" : "")}".TrimEnd());
        return 0;
    }

    private static async Task<int> AddAsync(AccountService accounts, Command command)
    {
        var email = command.Email ?? throw new AccountException("Name the account's email: users add <email> --role admin");
        var role = command.Options.GetValueOrDefault("--role") ?? Roles.Field;
        var user = await accounts.CreateUserAsync(email, ReadPassword(command, accounts.Options.MinPasswordLength), role);
        Console.WriteLine($"Added {user.Email} ({user.Role}).");
        return 0;
    }

    private static async Task<int> ResetPasswordAsync(UserRepository users, AccountService accounts, Command command)
    {
        var user = await FindAsync(users, command);
        await accounts.ResetPasswordAsync(user, ReadPassword(command, accounts.Options.MinPasswordLength));
        Console.WriteLine($"New password set for {user.Email}; the account is unlocked and its browsers are signed out.");
        return 0;
    }

    private static async Task<int> TokenAsync(UserRepository users, AccountService accounts, Command command)
    {
        var user = await FindAsync(users, command);
        var (_, plain) = await accounts.CreateTokenAsync(user, command.Options.GetValueOrDefault("--name") ?? "command line token");
        // The token alone on stdout, so scripts can capture it: TOKEN=$(... users token me@example.com)
        Console.WriteLine(plain);
        Console.Error.WriteLine($"A new API token for {user.Email}. It is shown only this once; revoke it on the account page.");
        return 0;
    }

    private static async Task<User> FindAsync(UserRepository users, Command command)
    {
        var email = command.Email ?? throw new AccountException("Name the account's email.");
        return await users.GetByEmailAsync(email)
            ?? throw new AccountException($"There is no account with the email {email}. See them with: users list");
    }

    private static string ReadPassword(Command command, int minLength)
    {
        if (command.Options.ContainsKey(PasswordStdin) || Console.IsInputRedirected)
            return Console.In.ReadLine()?.TrimEnd('\r', '\n') ?? "";
        var first = Prompt($"Password (at least {minLength} characters): ");
        if (Prompt("Password again: ") != first) throw new AccountException("The two passwords differ.");
        return first;
    }

    private static string Prompt(string label)
    {
        Console.Write(label);
        var password = new System.Text.StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace) { if (password.Length > 0) password.Length--; }
            else if (!char.IsControl(key.KeyChar)) password.Append(key.KeyChar);
        }
        Console.WriteLine();
        return password.ToString();
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 1;
    }

    private static async Task<ServiceProvider> BuildServicesAsync()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddTrackerData(configuration)
            .AddAccountStore(configuration)
            .BuildServiceProvider();
        // The same migrations the web app applies at start-up, so the verb works on a fresh data directory too.
        foreach (var migrator in services.GetServices<IHostedService>().OfType<DatabaseMigrator>())
            await migrator.StartAsync(CancellationToken.None);
        return services;
    }
}
