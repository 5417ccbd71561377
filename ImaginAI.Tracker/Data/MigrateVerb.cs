using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace ImaginAI.Tracker.Data;

/// <summary>
/// <c>migrate --to postgres "Host=…;Database=…"</c>: copies an embedded install (the SQLite file in
/// Storage:DataDirectory) into an empty PostgreSQL database, table by table in key order, each batch in a transaction
/// of its own, so an interrupted run continues where it stopped when started again. Then it compares every table's
/// row count and a SHA-256 of all vectors on both sides. Photo files stay where they are (Storage:DataDirectory).
/// </summary>
internal static class MigrateVerb
{
    public const string Name = "migrate";

    private const string Usage = """
        Usage: dotnet run --project ImaginAI.Tracker -- migrate --to postgres "<connection string>" [--batch N] [--max-batches N]
          Copies everything in the SQLite install of Storage__DataDirectory (default ./data) into an empty PostgreSQL
          database, then checks row counts and a checksum of the vectors. Stop the tracker first. Run it again after
          an interruption to continue. --batch: rows per transaction (default 2000); --max-batches: stop after that
          many batches (to spread a large copy over several runs).
        """;

    /// <summary>
    /// The index's change log and file stamps describe the SQLite side's index files; PostgreSQL's triggers write their
    /// own log as the vectors arrive, and each node builds its index from the vectors.
    /// </summary>
    private static readonly HashSet<string> NotCopied = ["embedding_changes", "vector_index_files", "schema_versions"];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var (options, operands) = CliVerbs.Parse(args);
        if (args.Contains("--help") || operands.Count != 1 || options.GetValueOrDefault("--to") is not { } to
            || !int.TryParse(options.GetValueOrDefault("--batch", "2000"), out var batch) || batch < 1
            || !int.TryParse(options.GetValueOrDefault("--max-batches", int.MaxValue.ToString(CultureInfo.InvariantCulture)), out var maxBatches) || maxBatches < 1)
        {
            error.WriteLine(Usage);
            return 2;
        }
        if (!string.Equals(to, DatabaseOptions.Postgres, StringComparison.OrdinalIgnoreCase))
        {
            error.WriteLine($"migrate can copy to postgres only, not \"{to}\".");
            return 2;
        }
        var connectionString = operands[0];
        try { _ = new NpgsqlConnectionStringBuilder(connectionString); }
        catch (ArgumentException e)
        {
            error.WriteLine($"That is not a PostgreSQL connection string: {e.Message}");
            return 2;
        }

        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
        var storage = new StorageOptions();
        configuration.GetSection(StorageOptions.Section).Bind(storage);
        if (!File.Exists(storage.DatabasePath))
        {
            error.WriteLine($"There is no SQLite install at {storage.DatabasePath} (Storage__DataDirectory names its folder).");
            return 1;
        }

        SqliteTypeHandlers.Register();
        using var source = new TrackerDb(Options.Create(storage));
        using var target = new TrackerDb(Options.Create(storage), Options.Create(new DatabaseOptions
        {
            Provider = DatabaseOptions.Postgres, PostgresConnectionString = connectionString,
        }));
        try
        {
            // Both at the current schema: the source as the app would leave it at start-up, the target created.
            await DatabaseMigrator.MigrateAsync(source, NullLogger.Instance);
            await DatabaseMigrator.MigrateAsync(target, NullLogger.Instance);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            error.WriteLine($"The PostgreSQL database cannot be prepared: {(e.InnerException ?? e).Message}");
            return 1;
        }
        var copy = new DatabaseCopy(source, target, storage.DatabasePath, batch, maxBatches, output);
        return await copy.RunAsync(error);
    }

    private sealed record Table(string Name, List<string> Columns, List<string> Key, List<string> SelfReferences);

    private sealed class DatabaseCopy(TrackerDb source, TrackerDb target, string sourcePath, int batch, int maxBatches, TextWriter output)
    {
        private long total, done;
        private int batches;
        private DateTime lastDrawn;

        public async Task<int> RunAsync(TextWriter error)
        {
            await using var from = await source.OpenAsync();
            await using var to = (NpgsqlConnection)await target.OpenAsync();
            var tables = await ReadTablesAsync(from);
            await to.ExecuteAsync("CREATE TABLE IF NOT EXISTS migrated_from_sqlite (source TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NULL)");
            var runs = (await to.QueryAsync<(string Source, string? FinishedAt)>("SELECT source, finished_at FROM migrated_from_sqlite")).AsList();
            if (runs.FirstOrDefault(r => r.FinishedAt is not null) is { Source: not null } finished)
            {
                error.WriteLine($"The PostgreSQL database already holds a finished copy of {finished.Source} (finished {finished.FinishedAt}). Nothing was changed.");
                return 1;
            }
            var sourceCounts = await CountAsync(from, tables);
            var targetCounts = await CountAsync(to, tables);
            var resuming = runs.Any(r => r.Source == sourcePath);
            if (!resuming && targetCounts.FirstOrDefault(c => c.Value > 0) is { Value: > 0 } occupied)
            {
                error.WriteLine($"The PostgreSQL database is not empty (its table {occupied.Key} has {occupied.Value} rows). Migrate into an empty database; nothing was changed.");
                return 1;
            }
            if (runs.Count > 0 && !resuming)
            {
                error.WriteLine($"The PostgreSQL database holds an unfinished copy of {runs[0].Source}, not of {sourcePath}. Nothing was changed.");
                return 1;
            }
            if (!resuming)
                await to.ExecuteAsync("INSERT INTO migrated_from_sqlite (source, started_at) VALUES (@sourcePath, @now)",
                    new { sourcePath, now = TrackerDb.Utc(DateTimeOffset.UtcNow) });

            total = sourceCounts.Values.Sum();
            done = targetCounts.Values.Sum();
            output.WriteLine($"{(resuming ? "Resuming the copy of" : "Copying")} {sourcePath}: {tables.Count} tables, {total:N0} rows{(resuming ? $", {done:N0} already there" : "")}.");
            foreach (var table in tables)
            {
                if (!await CopyAsync(from, to, table))
                {
                    Finish(table.Name);
                    output.WriteLine($"Stopped after {batches} batches, as asked; run the same command again to continue.");
                    return 3;
                }
            }
            foreach (var table in tables) await RestoreSelfReferencesAsync(from, to, table);
            await ResetIdentitiesAsync(to);
            Finish("done");
            return await VerifyAsync(from, to, tables, error);
        }

        private static async Task<List<Table>> ReadTablesAsync(DbConnection from)
        {
            var names = (await from.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"))
                .Where(n => !NotCopied.Contains(n)).ToList();
            var tables = new Dictionary<string, Table>();
            var parents = new Dictionary<string, HashSet<string>>();
            foreach (var name in names)
            {
                var columns = (await from.QueryAsync<(string Name, long Pk)>($"SELECT name, pk FROM pragma_table_info('{name}') ORDER BY cid")).AsList();
                var keys = columns.Where(c => c.Pk > 0).OrderBy(c => c.Pk).Select(c => c.Name).ToList();
                if (keys.Count == 0) throw new InvalidOperationException($"Table {name} has no primary key, so it cannot be copied in order.");
                var references = (await from.QueryAsync<(string Table, string From)>($"SELECT \"table\", \"from\" FROM pragma_foreign_key_list('{name}')")).AsList();
                tables[name] = new Table(name, columns.Select(c => c.Name).ToList(), keys,
                    references.Where(r => r.Table == name).Select(r => r.From).ToList());
                parents[name] = references.Select(r => r.Table).Where(t => t != name && names.Contains(t)).ToHashSet();
            }
            // Parents before children, so every foreign key finds its row (self-references are filled in afterwards).
            var ordered = new List<Table>();
            while (ordered.Count < tables.Count)
            {
                var ready = tables.Values.Where(t => !ordered.Contains(t) && parents[t.Name].All(p => ordered.Any(o => o.Name == p))).OrderBy(t => t.Name).ToList();
                if (ready.Count == 0) throw new InvalidOperationException("The tables' foreign keys form a cycle.");
                ordered.AddRange(ready);
            }
            return ordered;
        }

        private static async Task<Dictionary<string, long>> CountAsync(DbConnection connection, IEnumerable<Table> tables)
        {
            var counts = new Dictionary<string, long>();
            foreach (var table in tables) counts[table.Name] = await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table.Name}");
            return counts;
        }

        /// <summary>Copies the rows after the target's last key, a batch per transaction. False when --max-batches stopped it.</summary>
        private async Task<bool> CopyAsync(DbConnection from, NpgsqlConnection to, Table table)
        {
            var types = (await to.QueryAsync<(string Column, string Type)>(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = @name",
                new { name = table.Name })).ToDictionary(c => c.Column, c => TypeOf(c.Type));
            var keyList = string.Join(", ", table.Key);
            var last = await LastKeyAsync(to, table, types);
            var columnList = string.Join(", ", table.Columns);
            while (true)
            {
                if (batches >= maxBatches) return false;
                await using var select = from.CreateCommand();
                select.CommandText = $"SELECT {columnList} FROM {table.Name}"
                    + (last is null ? "" : $" WHERE ({keyList}) > ({string.Join(", ", table.Key.Select((_, i) => $"@k{i}"))})")
                    + $" ORDER BY {keyList} LIMIT {batch}";
                for (var i = 0; last is not null && i < last.Length; i++)
                    select.Parameters.Add(new SqliteParameter($"@k{i}", last[i]));
                var rows = new List<object?[]>();
                await using (var reader = await select.ExecuteReaderAsync())
                    while (await reader.ReadAsync())
                    {
                        var row = new object?[table.Columns.Count];
                        for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                        rows.Add(row);
                    }
                if (rows.Count == 0) return true;

                await using var transaction = await to.BeginTransactionAsync();
                await using (var import = await to.BeginBinaryImportAsync($"COPY {table.Name} ({columnList}) FROM STDIN (FORMAT BINARY)"))
                {
                    foreach (var row in rows)
                    {
                        await import.StartRowAsync();
                        for (var i = 0; i < row.Length; i++)
                        {
                            var column = table.Columns[i];
                            // A row may point at a later row of its own table: filled in once every row is there.
                            if (row[i] is null || table.SelfReferences.Contains(column)) await import.WriteNullAsync();
                            else await WriteAsync(import, row[i]!, types[column]);
                        }
                    }
                    await import.CompleteAsync();
                }
                await transaction.CommitAsync();
                batches++;
                done += rows.Count;
                Draw(table.Name);
                var lastRow = rows[^1];
                last = table.Key.Select(k => lastRow[table.Columns.IndexOf(k)]).ToArray();
            }
        }

        /// <summary>The greatest key copied so far, in SQLite's order (text compared byte by byte: COLLATE "C").</summary>
        private static async Task<object?[]?> LastKeyAsync(NpgsqlConnection to, Table table, Dictionary<string, NpgsqlDbType> types)
        {
            var keyList = string.Join(", ", table.Key);
            var order = string.Join(", ", table.Key.Select(k => types[k] == NpgsqlDbType.Text ? $"{k} COLLATE \"C\" DESC" : $"{k} DESC"));
            await using var command = new NpgsqlCommand($"SELECT {keyList} FROM {table.Name} ORDER BY {order} LIMIT 1", to);
            await using var reader = await command.ExecuteReaderAsync();
            if (!await reader.ReadAsync()) return null;
            var key = new object?[table.Key.Count];
            for (var i = 0; i < key.Length; i++) key[i] = reader.GetValue(i);
            return key;
        }

        private static NpgsqlDbType TypeOf(string dataType) => dataType switch
        {
            "bigint" => NpgsqlDbType.Bigint,
            "integer" => NpgsqlDbType.Integer,
            "double precision" => NpgsqlDbType.Double,
            "bytea" => NpgsqlDbType.Bytea,
            "text" => NpgsqlDbType.Text,
            _ => throw new InvalidOperationException($"No copy rule for PostgreSQL type {dataType}."),
        };

        private static Task WriteAsync(NpgsqlBinaryImporter import, object value, NpgsqlDbType type) => type switch
        {
            NpgsqlDbType.Bigint => import.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture), type),
            NpgsqlDbType.Integer => import.WriteAsync(Convert.ToInt32(value, CultureInfo.InvariantCulture), type),
            NpgsqlDbType.Double => import.WriteAsync(Convert.ToDouble(value, CultureInfo.InvariantCulture), type),
            NpgsqlDbType.Bytea => import.WriteAsync((byte[])value, type),
            _ => import.WriteAsync(value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture)!, type),
        };

        private static async Task RestoreSelfReferencesAsync(DbConnection from, NpgsqlConnection to, Table table)
        {
            foreach (var column in table.SelfReferences)
            {
                var key = table.Key.Single();
                var links = (await from.QueryAsync<(long Key, long Value)>($"SELECT {key}, {column} FROM {table.Name} WHERE {column} IS NOT NULL")).AsList();
                foreach (var chunk in links.Chunk(5000))
                {
                    await using var transaction = await to.BeginTransactionAsync();
                    await to.ExecuteAsync($"UPDATE {table.Name} SET {column} = @Value WHERE {key} = @Key", chunk.Select(l => new { l.Key, l.Value }), transaction);
                    await transaction.CommitAsync();
                }
            }
        }

        /// <summary>Identity columns continue after the copied ids, so new rows never collide with copied ones.</summary>
        private static async Task ResetIdentitiesAsync(NpgsqlConnection to)
        {
            var identities = await to.QueryAsync<(string Table, string Column)>(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES'");
            foreach (var (table, column) in identities)
                await to.ExecuteAsync($"""
                    SELECT setval(pg_get_serial_sequence('{table}', '{column}'), GREATEST(COALESCE(MAX({column}), 0), 1), COALESCE(MAX({column}), 0) > 0)
                    FROM {table}
                    """);
        }

        private async Task<int> VerifyAsync(DbConnection from, NpgsqlConnection to, IReadOnlyList<Table> tables, TextWriter error)
        {
            var sourceCounts = await CountAsync(from, tables);
            var targetCounts = await CountAsync(to, tables);
            output.WriteLine($"{"table",-24} {"SQLite",12} {"PostgreSQL",12}");
            var same = true;
            foreach (var table in tables)
            {
                var (s, t) = (sourceCounts[table.Name], targetCounts[table.Name]);
                same &= s == t;
                output.WriteLine($"{table.Name,-24} {s,12:N0} {t,12:N0}{(s == t ? "" : "   DIFFERENT")}");
            }
            var (sourceSum, targetSum) = (await VectorChecksumAsync(from), await VectorChecksumAsync(to));
            output.WriteLine($"vectors SHA-256: SQLite {sourceSum[..16]}…, PostgreSQL {targetSum[..16]}…{(sourceSum == targetSum ? " (equal)" : "   DIFFERENT")}");
            if (!same || sourceSum != targetSum)
            {
                error.WriteLine("The copy does not match its source. Keep using the SQLite install; drop the PostgreSQL database and run migrate again.");
                return 1;
            }
            await to.ExecuteAsync("UPDATE migrated_from_sqlite SET finished_at = @now", new { now = TrackerDb.Utc(DateTimeOffset.UtcNow) });
            output.WriteLine("The copy is complete and verified. Start the tracker with Database__Provider=postgres and ConnectionStrings__Postgres set to this");
            output.WriteLine("database; the photo files stay in Storage__DataDirectory, which every node must reach.");
            return 0;
        }

        /// <summary>One SHA-256 over every vector in key order, with its photo, model and dimension.</summary>
        private static async Task<string> VectorChecksumAsync(DbConnection connection)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT photo_id, model_id, dims, vector FROM embeddings ORDER BY photo_id, model_id";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                hash.AppendData(Encoding.UTF8.GetBytes(FormattableString.Invariant($"{reader.GetInt64(0)}|{reader.GetString(1)}|{reader.GetInt64(2)}|")));
                hash.AppendData((byte[])reader.GetValue(3));
            }
            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }

        private bool Terminal => ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

        private void Finish(string table)
        {
            Draw(table, force: true);
            if (Terminal) output.WriteLine();
        }

        /// <summary>A progress bar, redrawn in place on a terminal; a line every few seconds when the output is a file.</summary>
        private void Draw(string table, bool force = false)
        {
            var now = DateTime.UtcNow;
            var terminal = Terminal;
            if (!force && now - lastDrawn < TimeSpan.FromMilliseconds(terminal ? 100 : 3000)) return;
            lastDrawn = now;
            var fraction = total == 0 ? 1 : Math.Min(1, (double)done / total);
            var bar = new string('#', (int)(fraction * 30)).PadRight(30, '.');
            var line = $"[{bar}] {fraction,4:P0}  {done:N0} / {total:N0} rows  {table}";
            if (terminal) output.Write("\r" + line.PadRight(Console.WindowWidth > 0 ? Math.Min(Console.WindowWidth - 1, 100) : 100));
            else output.WriteLine(line);
        }
    }
}
