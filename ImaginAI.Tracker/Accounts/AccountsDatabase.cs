using Microsoft.Data.Sqlite;

namespace ImaginAI.Tracker.Accounts;

// Placeholder until tracker-core's Data/ connection factory is merged.
public sealed class AccountsDatabase(IConfiguration configuration)
{
    private readonly string connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = Path.Combine(configuration["Storage:DataDirectory"] ?? "data", "tracker.db"),
        ForeignKeys = true,
    }.ToString();

    public async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }
}
