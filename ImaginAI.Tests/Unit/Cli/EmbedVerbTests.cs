using System.Diagnostics;
using System.Text.Json;
using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Unit.Cli;

/// <summary>Runs the Tracker's <c>embed</c> verb as a separate process, as a user would.</summary>
public class EmbedVerbTests
{
    [Fact]
    public void Embed_PhotoTextFileAndMissingFile_PrintsOneJsonLineEachAndExits1()
    {
        var folder = Directory.CreateTempSubdirectory("imaginai-embed-").FullName;
        try
        {
            var notAPhoto = Path.Combine(folder, "notes.jpg");
            File.WriteAllBytes(notAPhoto, TestImages.TextRenamedJpg());
            var photo = RealPhotos.Scenes[0];
            var missing = Path.Combine(folder, "missing.jpg");

            var (exitCode, lines) = RunTracker("embed", "--backend", "onnxruntime", photo, notAPhoto, missing);

            Assert.Equal(1, exitCode);
            Assert.Equal(3, lines.Count);
            var good = lines[0].RootElement;
            Assert.Equal(photo, good.GetProperty("file").GetString());
            Assert.StartsWith("resnet18-int8/", good.GetProperty("model").GetString());
            Assert.Equal(512, good.GetProperty("dims").GetInt32());
            Assert.True(good.GetProperty("ms").GetDouble() > 0);
            Assert.Equal(1.0, good.GetProperty("norm").GetDouble(), 3);
            Assert.Equal("NotAnImage", lines[1].RootElement.GetProperty("reason").GetString());
            Assert.Contains("not a photo", lines[1].RootElement.GetProperty("error").GetString());
            Assert.Equal("NotFound", lines[2].RootElement.GetProperty("reason").GetString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Embed_MissingVgg16Model_ExplainsWhatToDownloadAndExits1()
    {
        var (exitCode, lines) = RunTracker("embed", "--model", "vgg16-fc2", RealPhotos.Scenes[0]);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(lines).RootElement;
        Assert.Equal("ModelUnavailable", line.GetProperty("reason").GetString());
        Assert.Contains("vgg16-12.onnx", line.GetProperty("error").GetString());
    }

    [Fact]
    public void Embed_OpenCvBackendWithoutGtk_SaysToInstallLibgtk()
    {
        var (exitCode, lines) = RunTrackerWithoutGtk("embed", "--model", "resnet18", "--backend", "opencv", RealPhotos.Scenes[0]);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(lines).RootElement;
        Assert.Equal("ModelUnavailable", line.GetProperty("reason").GetString());
        Assert.Contains("apt-get install libgtk-3-0", line.GetProperty("error").GetString());
    }

    [Fact]
    public void Embed_DefaultBackendWithoutGtk_StillEmbedsBecauseItNeverLoadsOpenCv()
    {
        var (exitCode, lines) = RunTrackerWithoutGtk("embed", RealPhotos.Scenes[0]);

        Assert.Equal(0, exitCode);
        Assert.Equal(512, Assert.Single(lines).RootElement.GetProperty("dims").GetInt32());
    }

    /// <summary>
    /// A machine without GTK, simulated: the dynamic loader finds an unusable libgtk-3.so.0 first, so OpenCV's
    /// native library fails to load exactly as it does where libgtk-3-0 is not installed.
    /// </summary>
    private static (int ExitCode, List<JsonDocument> Lines) RunTrackerWithoutGtk(params string[] args)
    {
        var fakeLibraries = Directory.CreateTempSubdirectory("imaginai-no-gtk-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(fakeLibraries, "libgtk-3.so.0"), []);
            return RunTracker(args, ("LD_LIBRARY_PATH", fakeLibraries));
        }
        finally
        {
            Directory.Delete(fakeLibraries, recursive: true);
        }
    }

    private static (int ExitCode, List<JsonDocument> Lines) RunTracker(params string[] args) => RunTracker(args, []);

    private static (int ExitCode, List<JsonDocument> Lines) RunTracker(string[] args, params (string Name, string Value)[] environment)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ImaginAI.Tracker.dll"));
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        psi.Environment["Vision__ModelDirectory"] = Path.Combine(Path.GetTempPath(), "imaginai-no-models-" + Guid.NewGuid().ToString("N"));
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        // A verb that started the web host would never exit.
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("embed did not exit within 60 s: " + stderr.Result);
        }
        var output = stdout.Result;
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l)).ToList();
        return (process.ExitCode, lines);
    }
}
