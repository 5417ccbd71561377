// Program.cs's first line dispatches verbs before the web host is built; this keeps that line free of a using.
global using ImaginAI.Tracker.Cli;
using ImaginAI.Vision;

namespace ImaginAI.Tracker.Cli;

/// <summary>Command-line verbs that run instead of the web host: <c>embed</c>, <c>bench vision</c>, <c>bench load</c>, <c>bench ingest</c> and the others below.</summary>
public static class CliVerbs
{
    private static readonly Dictionary<string, Func<string[], Task<int>>> Verbs = new(StringComparer.Ordinal)
    {
        ["embed"] = args => Task.FromResult(EmbedVerb.Run(args, LoadVisionOptions())),
        ["bench"] = args => args switch
        {
            ["load", ..] => BenchLoadVerb.RunAsync(args[1..]),
            ["ingest", ..] => BenchIngestVerb.RunAsync(args[1..], LoadVisionOptions(), Console.Out, Console.Error),
            ["gallery", ..] => BenchGalleryVerb.RunAsync(args[1..]),
            _ => Task.FromResult(BenchVerb.Run(args, LoadVisionOptions())),
        },
        ["calibrate-int8"] = args => Task.FromResult(CalibrateInt8Verb.Run(args, LoadVisionOptions())),
        ["eval"] = args => Evaluation.EvalVerb.RunAsync(args, LoadVisionOptions(), Console.Out, Console.Error),
        ["make-eval-set"] = args => Evaluation.EvalVerb.MakeEvalSetAsync(args, Console.Out, Console.Error),
        ["calibration-study"] = args => Evaluation.CalibrationStudyVerb.RunAsync(args, Console.Out, Console.Error),
        [Accounts.UsersCliVerb.Name] = Accounts.UsersCliVerb.RunAsync,
    };

    public static bool IsVerb(string[] args) => args.Length > 0 && Verbs.ContainsKey(args[0]);

    public static Task<int> RunAsync(string[] args) => Verbs[args[0]](args[1..]);

    /// <summary>The Vision section as the web app would see it (appsettings.json, then Vision__X environment variables).</summary>
    private static VisionOptions LoadVisionOptions()
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        var options = new VisionOptions();
        configuration.GetSection("Vision").Bind(options);
        return options;
    }

    /// <summary>Reads "--name value" options off the front of the arguments; the rest are returned as operands.</summary>
    internal static (Dictionary<string, string> Options, List<string> Operands) Parse(string[] args, params string[] flags)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var operands = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal) && flags.Contains(args[i]))
                options[args[i]] = "true";
            else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
                options[args[i]] = args[++i];
            else
                operands.Add(args[i]);
        }
        return (options, operands);
    }
}
