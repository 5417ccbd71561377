using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration;

/// <summary>
/// A spot in fog that keypoints cannot check (a real meadow blurred until almost no corners are left), the photos
/// that come back to it, and a project with it as a milestone beside a textured one (decking), both with their
/// reference photos decided.
/// </summary>
public static class FoggySite
{
    public static readonly byte[] Fog = PhotoVariants.Blur(RealPhotos.Read("GreenMeadow.jpg"), 40);

    /// <summary>The same spot again: a little closer and brighter.</summary>
    public static byte[] Revisit() => PhotoVariants.Exposure(PhotoVariants.Crop(Fog, 0.9f, 0.3f, 0.6f), 1.1f);

    /// <summary>The fog upside down, taken the same way: the CNN finds it as alike as a revisit, its layout differs.</summary>
    public static byte[] LookAlike() => PhotoVariants.Exposure(PhotoVariants.Crop(PhotoVariants.HalfTurn(Fog), 0.9f, 0.3f, 0.6f), 1.1f);

    /// <summary>Adds the fog and decking milestones to the project with their reference photos; returns the fog milestone.</summary>
    public static async Task<long> AddMilestonesAsync(TrackerApp app, long projectId, HttpClient client)
    {
        var fogMilestone = await app.AddMilestoneAsync(projectId, "Yard in fog", client);
        var decking = await app.AddMilestoneAsync(projectId, "Decking", client);
        await app.WaitUntilDecidedAsync(await app.UploadOneAsync(projectId, "yard.jpg", Fog, fogMilestone, client), TimeSpan.FromMinutes(2), client);
        await app.WaitUntilDecidedAsync(await app.UploadOneAsync(projectId, "decking.jpg", RealPhotos.Read("Wood.jpg"), decking, client), TimeSpan.FromMinutes(2), client);
        return fogMilestone;
    }
}
