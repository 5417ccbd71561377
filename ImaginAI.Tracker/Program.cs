using ImaginAI.Tracker.Accounts;
using ImaginAI.Tracker.Cluster;
using ImaginAI.Tracker.ApiDocs;
using ImaginAI.Tracker.Data;
using ImaginAI.Tracker.Embedding;
using ImaginAI.Tracker.Errors;
using ImaginAI.Tracker.Health;
using ImaginAI.Tracker.Jobs;
using ImaginAI.Tracker.Matching;
using ImaginAI.Tracker.Photos;
using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Reports;
using ImaginAI.Tracker.Scheduling;
using ImaginAI.Tracker.Search;
using ImaginAI.Tracker.Security;
using ImaginAI.Tracker.Telemetry;
using ImaginAI.Tracker.Timeline;
using ImaginAI.Tracker.Timelapse;
using ImaginAI.Tracker.Webhooks;
using ImaginAI.Tracker.Vision;
using ImaginAI.Tracker.Web;

if (CliVerbs.IsVerb(args)) return await CliVerbs.RunAsync(args);

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // Settings, views and static files travel with the build output, so the app runs the same from any folder;
    // relative paths the user gives (data directory, model folder, CLI files) stay relative to where they ran it.
    ContentRootPath = AppContext.BaseDirectory,
    WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
});
builder.Services.AddTrackerErrors();
builder.Services.AddTrackerData(builder.Configuration);
builder.Services.AddClusterScheduler(builder.Configuration);
builder.Services.AddAccounts(builder.Configuration);
builder.Services.AddVision(builder.Configuration);
builder.Services.AddProjects();
builder.Services.AddPhotos();
builder.Services.AddEmbedding(builder.Configuration);
builder.Services.AddMatching(builder.Configuration);
builder.Services.AddSearch();
builder.Services.AddTimelapse();
builder.Services.AddTimeline();
builder.Services.AddCluster(builder.Configuration);
builder.Services.AddJobs();
builder.Services.AddWebhooks();
builder.Services.AddReports();
builder.Services.AddApiDocs();
builder.Services.AddTrackerHealth(builder.Configuration);
builder.Services.AddTrackerTelemetry(builder.Configuration);
builder.Services.AddTrackerPages();

var app = builder.Build();
app.UseTrackerErrors();
app.UseStaticFiles();
app.MapProjectsApi();
app.MapPhotosApi();
app.MapSearchApi();
app.MapTimelapseApi();
app.MapCalibrationApi();
app.MapTimeline();
app.MapHealth();
app.MapJobsApi();
app.MapWebhooksApi();
app.MapReportsApi();
app.MapTrackerMetrics();
app.MapApiDocs();
app.MapTrackerPages();
// After the pages' status-code handling, so an outsider's 404 gets the same not-found page as a missing id.
app.UseTrackerSecurity();
app.MapAccounts();
await app.RunAsync();
return 0;

public partial class Program;
