using System.ComponentModel.DataAnnotations;

namespace ImaginAI.Tracker.Data;

/// <summary>Where the database and the photo files live, and how big an upload may be ("Storage" section).</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Relative paths are taken from the working directory.</summary>
    [Required(ErrorMessage = "Storage:DataDirectory must name a folder.")]
    public string DataDirectory { get; set; } = "data";

    [Range(1, long.MaxValue, ErrorMessage = "Storage:MaxUploadBytes must be positive.")]
    public long MaxUploadBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Caps one upload request at this many files (and its body at that many times MaxUploadBytes).</summary>
    [Range(1, 1000, ErrorMessage = "Storage:MaxFilesPerRequest must be between 1 and 1000.")]
    public int MaxFilesPerRequest { get; set; } = 20;

    /// <summary>How often photos deleted more than 30 days ago are purged for good (once per cluster, on one node).</summary>
    [Range(1, 86400, ErrorMessage = "Storage:PurgeIntervalSeconds must be between 1 and 86400.")]
    public int PurgeIntervalSeconds { get; set; } = 3600;

    public string DataPath => Path.GetFullPath(DataDirectory);
    public string DatabasePath => Path.Combine(DataPath, "tracker.db");
    public string PhotosPath => Path.Combine(DataPath, "photos");
    public string ThumbnailsPath => Path.Combine(DataPath, "thumbs");
    public string KeypointsPath => Path.Combine(DataPath, "keypoints");
    public string TempPath => Path.Combine(DataPath, "tmp");
}
