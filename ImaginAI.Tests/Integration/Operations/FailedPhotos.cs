using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.Operations;

/// <summary>
/// A photo that fails for a reason that passes: its file is taken away from the store while the embedding queue is
/// paused, the queue resumed until the photo fails, and then the file is put back, as after a storage outage.
/// </summary>
public static class FailedPhotos
{
    public static async Task<long> UploadAndFailAsync(this TrackerApp app, long projectId, string fileName, byte[] bytes, HttpClient admin)
    {
        (await admin.PostAsync("/api/admin/jobs/embedding/pause", null)).EnsureSuccessStatusCode();
        var photoId = await app.UploadOneAsync(projectId, fileName, bytes, client: admin);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        var path = Directory.GetFiles(Path.Combine(app.PhotosDirectory, sha[..2]), sha + ".*").Single();
        File.Move(path, path + ".away");
        (await admin.PostAsync("/api/admin/jobs/embedding/resume", null)).EnsureSuccessStatusCode();
        await app.WaitForStatusAsync(photoId, ["failed"], client: admin);
        File.Move(path + ".away", path);
        return photoId;
    }
}
