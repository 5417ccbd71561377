using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Cli;
using SkiaSharp;

namespace ImaginAI.Tests.Integration.Timelapse;

/// <summary>
/// The photo page's "what changed" overlay through the API: a later visit of a real photo (moved camera, darker)
/// with an object pasted in; the changes found cover the pasted place and little else.
/// </summary>
public sealed class PhotoChangesTests(TrackerApp app) : IClassFixture<TrackerApp>
{
    [Fact]
    public async Task Changes_ObjectPastedIntoALaterVisit_FindsThePastedRegion()
    {
        using var client = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Quay wall", client)).GetProperty("id").GetInt64();
        var pair = ChangePairs.Make(RealPhotos.Read("Wood.jpg"), RealPhotos.Read("YellowFlower.jpg"), 42, 0.8f, 0.05f);
        var before = await TimelapseScenario.UploadTakenAsync(client, projectId, "before.jpg", pair.Before, TimelapseScenario.FirstVisit);
        var after = await TimelapseScenario.UploadTakenAsync(client, projectId, "after.jpg", pair.After, TimelapseScenario.FirstVisit.AddDays(5));
        await app.WaitUntilDecidedAsync(before, TimeSpan.FromMinutes(2), client);
        await app.WaitUntilDecidedAsync(after, TimeSpan.FromMinutes(2), client);

        var changes = await client.GetFromJsonAsync<JsonElement>($"/api/photos/{after}/compare/{before}/changes", TrackerApp.Json);

        Assert.True(changes.GetProperty("aligned").GetBoolean(), changes.ToString());
        var regions = changes.GetProperty("regions").EnumerateArray().ToList();
        Assert.NotEmpty(regions);
        var pasted = pair.Pasted!.Value;
        using var decoded = SKBitmap.Decode(pair.After);
        var truth = SKRect.Create((float)pasted.Left / decoded.Width, (float)pasted.Top / decoded.Height,
            (float)pasted.Width / decoded.Width, (float)pasted.Height / decoded.Height);
        var largest = regions[0];
        var found = SKRect.Create(largest.GetProperty("x").GetSingle(), largest.GetProperty("y").GetSingle(),
            largest.GetProperty("width").GetSingle(), largest.GetProperty("height").GetSingle());
        var overlap = SKRect.Intersect(truth, found);
        var iou = overlap.IsEmpty ? 0 : overlap.Width * overlap.Height / (truth.Width * truth.Height + found.Width * found.Height - overlap.Width * overlap.Height);
        Assert.True(iou >= 0.5, $"the largest region {found} covers the pasted {truth} with IoU {iou:F2}");
        // Little marked elsewhere: the pasted object is 1.5-5 % of the frame.
        Assert.True(changes.GetProperty("changedShare").GetDouble() < 0.1, changes.ToString());

        using var png = await client.GetAsync(changes.GetProperty("overlayUrl").GetString());
        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        using var overlay = SKBitmap.Decode(await png.Content.ReadAsByteArrayAsync());
        var center = overlay.GetPixel((int)((truth.MidX) * overlay.Width), (int)(truth.MidY * overlay.Height));
        Assert.True(center.Alpha > 0, "the overlay marks the middle of the pasted object");
    }

    [Fact]
    public async Task Changes_SameSpotNoChange_MarksAlmostNothing()
    {
        using var client = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Meadow fence", client)).GetProperty("id").GetInt64();
        var pair = ChangePairs.Make(RealPhotos.Read("GreenMeadow.jpg"), null, 43, 1.25f, 0.05f);
        var before = await TimelapseScenario.UploadTakenAsync(client, projectId, "before.jpg", pair.Before, TimelapseScenario.FirstVisit);
        var after = await TimelapseScenario.UploadTakenAsync(client, projectId, "after.jpg", pair.After, TimelapseScenario.FirstVisit.AddDays(5));
        await app.WaitUntilDecidedAsync(after, TimeSpan.FromMinutes(2), client);

        var changes = await client.GetFromJsonAsync<JsonElement>($"/api/photos/{after}/compare/{before}/changes", TrackerApp.Json);

        Assert.True(changes.GetProperty("aligned").GetBoolean(), changes.ToString());
        Assert.True(changes.GetProperty("changedShare").GetDouble() < 0.03, changes.ToString());
    }
}
