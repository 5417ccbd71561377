namespace ImaginAI.Tracker.Evaluation;

/// <summary>A milestone (gallery scene) as seen from one query: its CNN score, its best reference photo, and the
/// keypoint inliers against that reference when it was verified.</summary>
public sealed record MilestoneEvidence(string Scene, float Score, int BestReference, int? Inliers);

/// <summary>Everything measured for one query; decision rules are evaluated on this without re-running models.</summary>
public sealed record QueryEvidence(
    string Path,
    string Scene,
    bool SceneInGallery,
    string? Transform,
    IReadOnlyList<string> RankedGalleryScenes,
    IReadOnlyList<MilestoneEvidence> Milestones);
