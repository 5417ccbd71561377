using System.Data;
using System.Globalization;
using Dapper;

namespace ImaginAI.Tracker.Data;

/// <summary>
/// Times are stored as fixed-width UTC ISO-8601 text with milliseconds so that they sort and compare as text;
/// dates (due dates) as yyyy-MM-dd. The same on SQLite and PostgreSQL (text columns on both).
/// </summary>
internal static class SqliteTypeHandlers
{
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
    private static int registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1) return;
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new UtcTimeHandler());
        // Dapper reads DateOnly natively (GetFieldValue), which Microsoft.Data.Sqlite parses from text and Npgsql
        // refuses for a text column: through the handler, both read the same yyyy-MM-dd text.
        SqlMapper.RemoveTypeMap(typeof(DateOnly));
        SqlMapper.RemoveTypeMap(typeof(DateOnly?));
        SqlMapper.AddTypeHandler(new DateHandler());
    }

    public static string Format(DateTimeOffset time) =>
        time.ToUniversalTime().ToString(TimeFormat, CultureInfo.InvariantCulture);

    private sealed class UtcTimeHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = Format(value);
        }

        public override DateTimeOffset Parse(object value) =>
            DateTimeOffset.Parse((string)value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }

    private sealed class DateHandler : SqlMapper.TypeHandler<DateOnly>
    {
        public override void SetValue(IDbDataParameter parameter, DateOnly value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        public override DateOnly Parse(object value) => DateOnly.ParseExact((string)value, "yyyy-MM-dd", CultureInfo.InvariantCulture);
    }
}
