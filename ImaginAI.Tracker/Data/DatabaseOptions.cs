using System.ComponentModel.DataAnnotations;
using Npgsql;

namespace ImaginAI.Tracker.Data;

/// <summary>
/// Which database holds the tracker's data ("Database" section): the embedded SQLite file in the data directory
/// (the default, one node), or a PostgreSQL server named by ConnectionStrings:Postgres (several nodes may share it).
/// </summary>
public sealed class DatabaseOptions : IValidatableObject
{
    public const string Section = "Database";
    public const string Sqlite = "sqlite", Postgres = "postgres";

    public string Provider { get; set; } = Sqlite;

    /// <summary>ConnectionStrings:Postgres, copied here when the options are built.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>
    /// ConnectionStrings:Postgres, or ConnectionStrings:PostgreSQL: the name the health check read before PostgreSQL
    /// held the data, still honoured so an install that set it keeps working.
    /// </summary>
    public static string? ConnectionStringFrom(IConfiguration configuration) =>
        configuration.GetConnectionString("Postgres") is { Length: > 0 } value ? value : configuration.GetConnectionString("PostgreSQL");

    /// <summary>
    /// How long a node's claim on photos it embeds or matches lasts. A node that dies keeps them this long, then any
    /// node takes them over; a batch that outlasts it may be worked twice (its result is still applied once).
    /// </summary>
    [Range(2, 3600, ErrorMessage = "Database:LeaseSeconds must be between 2 and 3600.")]
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>This node's name in claims (default: host name, process id and a random suffix, new at each start).</summary>
    [MaxLength(200, ErrorMessage = "Database:NodeId must be at most 200 characters.")]
    public string? NodeId { get; set; }

    public bool IsPostgres => string.Equals(Provider, Postgres, StringComparison.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.Equals(Provider, Sqlite, StringComparison.OrdinalIgnoreCase) && !IsPostgres)
        {
            yield return new ValidationResult($"Database:Provider must be 'sqlite' or 'postgres', not '{Provider}'.", [nameof(Provider)]);
            yield break;
        }
        if (!IsPostgres) yield break;
        if (string.IsNullOrWhiteSpace(PostgresConnectionString))
        {
            yield return new ValidationResult("ConnectionStrings:Postgres must name the PostgreSQL database when Database:Provider is 'postgres'.", [nameof(PostgresConnectionString)]);
            yield break;
        }
        string? error = null;
        try { _ = new NpgsqlConnectionStringBuilder(PostgresConnectionString); }
        catch (ArgumentException e) { error = e.Message; }
        if (error is not null)
            yield return new ValidationResult($"ConnectionStrings:Postgres is not a PostgreSQL connection string: {error}", [nameof(PostgresConnectionString)]);
    }
}
