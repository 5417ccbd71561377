using System.Text.Json;
using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.Matching;

/// <summary>
/// One project followed from start to end, once for all the matching tests: two milestones with a reference photo
/// each (real photos, milestone set by the uploader), then new photos of those scenes as a later visit would take
/// them (reframed, resized, re-exposed, re-saved), and one photo of a scene no milestone shows.
/// </summary>
public sealed class MatchingScenario : TrackerApp, IAsyncLifetime
{
    public long ProjectId { get; private set; }
    public long FoundationsId { get; private set; }
    public long WallsId { get; private set; }
    public long FoundationsReferenceId { get; private set; }
    public long WallsReferenceId { get; private set; }
    public JsonElement FoundationsLater { get; private set; }
    public JsonElement WallsLater { get; private set; }
    public JsonElement UnrelatedScene { get; private set; }

    public async Task InitializeAsync()
    {
        var client = CreateClient();
        ProjectId = (await CreateProjectAsync("Riverside block", client)).GetProperty("id").GetInt64();
        FoundationsId = await AddMilestoneAsync(ProjectId, "Foundations", client);
        WallsId = await AddMilestoneAsync(ProjectId, "Walls", client);

        FoundationsReferenceId = await UploadOneAsync(ProjectId, "foundations.jpg", RealPhotos.Read("GreenMeadow.jpg"), FoundationsId, client);
        WallsReferenceId = await UploadOneAsync(ProjectId, "walls.jpg", RealPhotos.Read("Wood.jpg"), WallsId, client);
        await WaitUntilDecidedAsync(FoundationsReferenceId, client: client);
        await WaitUntilDecidedAsync(WallsReferenceId, client: client);

        var foundationsLater = await UploadOneAsync(ProjectId, "visit-2-a.jpg", PhotoVariants.SecondVisit(RealPhotos.Read("GreenMeadow.jpg")), client: client);
        var wallsLater = await UploadOneAsync(ProjectId, "visit-2-b.jpg", PhotoVariants.Crop(RealPhotos.Read("Wood.jpg"), 0.8f), client: client);
        var unrelated = await UploadOneAsync(ProjectId, "elsewhere.jpg", RealPhotos.Read("LadyBird.jpg"), client: client);
        FoundationsLater = await WaitUntilDecidedAsync(foundationsLater, client: client);
        WallsLater = await WaitUntilDecidedAsync(wallsLater, client: client);
        UnrelatedScene = await WaitUntilDecidedAsync(unrelated, client: client);
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
}
