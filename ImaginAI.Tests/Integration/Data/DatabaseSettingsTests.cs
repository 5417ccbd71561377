using ImaginAI.Tracker.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tests.Integration.Data;

/// <summary>The database settings as an operator writes them: Database:Provider and ConnectionStrings:Postgres.</summary>
public sealed class DatabaseSettingsTests
{
    [Fact]
    public void DatabaseOptions_PostgresWithoutConnectionString_StopsStartUpNamingTheSetting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Read(new() { ["Database:Provider"] = "postgres" }));

        Assert.Contains("ConnectionStrings:Postgres must name the PostgreSQL database", error.Message);
    }

    [Fact]
    public void DatabaseOptions_ConnectionStringsPostgres_IsTheDatabase()
    {
        var options = Read(new() { ["Database:Provider"] = "postgres", ["ConnectionStrings:Postgres"] = "Host=db;Database=tracker" });

        Assert.True(options.IsPostgres);
        Assert.Equal("Host=db;Database=tracker", options.PostgresConnectionString);
    }

    [Fact]
    public void DatabaseOptions_EarlierNameConnectionStringsPostgreSql_IsStillRead()
    {
        var options = Read(new() { ["Database:Provider"] = "postgres", ["ConnectionStrings:PostgreSQL"] = "Host=old;Database=tracker" });
        var both = Read(new()
        {
            ["Database:Provider"] = "postgres", ["ConnectionStrings:PostgreSQL"] = "Host=old;Database=tracker", ["ConnectionStrings:Postgres"] = "Host=new;Database=tracker",
        });

        Assert.Equal("Host=old;Database=tracker", options.PostgresConnectionString);
        Assert.Equal("Host=new;Database=tracker", both.PostgresConnectionString);
    }

    private static DatabaseOptions Read(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddTrackerData(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
    }
}
