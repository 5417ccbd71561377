namespace ImaginAI.Tracker.Projects;

/// <summary>What a page about one project needs server-side; its scripts load the rest from the API.</summary>
public sealed record ProjectPageModel(long ProjectId, string ProjectName);
