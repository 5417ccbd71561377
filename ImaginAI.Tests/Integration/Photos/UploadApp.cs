using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.Photos;

/// <summary>The app with a 4 MB upload limit, so an oversized file is cheap to make.</summary>
public sealed class UploadApp() : TrackerApp(kestrel: false, dataDirectory: null, settings: new() { ["Storage:MaxUploadBytes"] = (4 * 1024 * 1024).ToString() })
{
    public const int MaxUploadBytes = 4 * 1024 * 1024;

    public async Task<long> NewProjectAsync(string name, HttpClient client) => (await CreateProjectAsync(name, client)).GetProperty("id").GetInt64();

    public Task<long> PhotoRowsAsync(long projectId) =>
        TrackerDatabase.ScalarAsync<long>(DatabasePath, "SELECT COUNT(*) FROM photos WHERE project_id = @projectId", new { projectId });
}
