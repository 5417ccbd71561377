using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using CsvHelper;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Reports;

namespace ImaginAI.Tests.Integration.Reports;

/// <summary>
/// The ZIP export (issue 15, §5) on a real Kestrel server: a manifest that matches the photos, byte for byte; filters;
/// a response streamed in chunks; an audit entry; nothing for outsiders.
/// </summary>
public sealed class ProjectExportTests(KestrelTrackerApp app) : IClassFixture<KestrelTrackerApp>
{
    private ReportScenario? scenario;

    private async Task<ReportScenario> ScenarioAsync(HttpClient api) =>
        scenario ??= await ReportScenario.CreateAsync(app, api, "Export yard");

    [Fact]
    public async Task Export_Project_ManifestMatchesThePhotosByteForByte()
    {
        using var api = app.CreateClient();
        var s = await ScenarioAsync(api);
        var (manifest, entries) = await DownloadAsync(api, $"/api/projects/{s.ProjectId}/export.zip");

        Assert.Equal(s.Uploaded.Count, manifest.Count);
        Assert.Equal(manifest.Select(r => r.File).Order(), entries.Keys.Where(k => k != ProjectExport.ManifestName).Order());
        foreach (var (id, bytes) in s.Uploaded)
        {
            var row = Assert.Single(manifest, r => r.File.StartsWith($"photos/{id}-", StringComparison.Ordinal));
            Assert.Equal(Convert.ToHexString(SHA256.HashData(bytes)), Convert.ToHexString(SHA256.HashData(entries[row.File])));
        }
        var site = Assert.Single(manifest, r => r.File == $"photos/{s.FoundationsSite}-foundations-week-6.jpg");
        Assert.Equal("2026-11-10T10:30:00Z", site.Taken);
        Assert.Equal("Foundations poured", site.Milestone);
        Assert.Equal("set by a manager", site.Decision);
        Assert.Equal(ReportScenario.FoundationsNote, site.Note);
        Assert.Equal(TrackerApp.AdminEmail, site.Uploader);
        Assert.Equal("east wall; formwork", site.Tags);
        Assert.Equal("51.507451,-0.127658", site.Location);
        var reference = Assert.Single(manifest, r => r.File.EndsWith("-foundations-reference.jpg", StringComparison.Ordinal));
        Assert.Equal("reference", reference.Decision);
        var unfiled = Assert.Single(manifest, r => r.File.EndsWith("-gate.jpg", StringComparison.Ordinal));
        Assert.Equal(("", "set by a manager: no milestone", ""), (unfiled.Milestone, unfiled.Decision, unfiled.Location));
        Assert.Equal(ReportScenario.UnfiledNote, unfiled.Note);
    }

    [Fact]
    public async Task Export_FilteredByMilestoneAndDates_HoldsOnlyThosePhotos()
    {
        using var api = app.CreateClient();
        var s = await ScenarioAsync(api);
        var (byMilestone, _) = await DownloadAsync(api, $"/api/projects/{s.ProjectId}/export.zip?milestone={s.Roof}");
        Assert.Equal(["roof-reference.jpg", "roof-week-7.jpg"], byMilestone.Select(r => r.File[(r.File.IndexOf('-') + 1)..]).Order());
        var (november, _) = await DownloadAsync(api, $"/api/projects/{s.ProjectId}/export.zip?from=2026-11-11&to=2026-11-30");
        Assert.Equal(["gate.jpg", "roof-week-7.jpg"], november.Select(r => r.File[(r.File.IndexOf('-') + 1)..]).Order());
    }

    [Fact]
    public async Task GalleryView_FilteredByTag_ExportsExactlyThosePhotos()
    {
        using var api = app.CreateClient();
        var s = await ScenarioAsync(api);
        var gallery = await api.GetStringAsync($"/projects/{s.ProjectId}/gallery?tag=formwork");
        var link = $"/api/projects/{s.ProjectId}/export.zip?tag=formwork";
        Assert.Contains($"href=\"{link}\"", gallery);
        var (manifest, _) = await DownloadAsync(api, link);
        Assert.Equal([$"photos/{s.FoundationsSite}-foundations-week-6.jpg"], manifest.Select(r => r.File));
    }

    [Fact]
    public async Task Export_LargeResponse_IsStreamedInChunksWithoutALength()
    {
        using var api = app.CreateClient();
        var s = await ScenarioAsync(api);
        using var response = await api.GetAsync($"/api/projects/{s.ProjectId}/export.zip", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Written while it is sent: no length known up front, so Kestrel sends it chunked.
        Assert.True(response.Headers.TransferEncodingChunked, "the export was not sent chunked");
        Assert.Null(response.Content.Headers.ContentLength);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync();
        var start = new byte[4];
        await body.ReadExactlyAsync(start);
        Assert.Equal("PK\u0003\u0004"u8.ToArray(), start);
    }

    [Fact]
    public async Task Export_Download_IsAuditedWithItsFilterAndCount()
    {
        using var api = app.CreateClient();
        var s = await ScenarioAsync(api);
        await DownloadAsync(api, $"/api/projects/{s.ProjectId}/export.zip?milestone={s.Foundations}");
        var detail = await TrackerDatabase.ScalarAsync<string>(app.DatabasePath,
            "SELECT detail FROM audit_log WHERE action = 'photos-exported' AND project_id = @projectId AND subject LIKE @subject",
            new { projectId = s.ProjectId, subject = $"%milestone={s.Foundations}" });
        Assert.Equal("2 photos", detail);
    }

    [Theory]
    [InlineData("status=lost", "is not a status; use one of matched")]
    [InlineData("milestone=999999", "This project has no milestone 999999.")]
    [InlineData("from=2026-12-01&to=2026-11-01", "The first day is after the last day: swap them.")]
    public async Task Export_BadFilter_Returns400InPlainWordsAndAuditsNothing(string query, string expected)
    {
        using var api = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Bad filter " + query, api)).GetProperty("id").GetInt64();
        using var response = await api.GetAsync($"/api/projects/{projectId}/export.zip?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync());
        Assert.Equal(0L, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'photos-exported' AND project_id = @projectId", new { projectId }));
    }

    private static async Task<(List<ManifestRow> Manifest, Dictionary<string, byte[]> Entries)> DownloadAsync(HttpClient api, string url)
    {
        using var response = await api.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), ZipArchiveMode.Read);
        Assert.Equal(ProjectExport.ManifestName, zip.Entries[0].FullName);
        var entries = new Dictionary<string, byte[]>();
        foreach (var entry in zip.Entries)
        {
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            entries[entry.FullName] = copy.ToArray();
        }
        using var reader = CsvReader.Create(entries[ProjectExport.ManifestName], null);
        reader.ReadHeader();
        var rows = new List<ManifestRow>();
        while (reader.Read())
        {
            string Field(string name) => reader.GetString(name);
            rows.Add(new ManifestRow(Field("file"), Field("taken"), Field("uploader"), Field("milestone"), Field("decision"),
                Field("similarity"), Field("note"), Field("tags"), Field("location")));
        }
        return (rows, entries);
    }
}
