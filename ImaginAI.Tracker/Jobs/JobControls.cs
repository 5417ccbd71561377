namespace ImaginAI.Tracker.Jobs;

/// <summary>The queues an operator can pause: the embedding job and the matching job.</summary>
public static class JobQueues
{
    public const string Embedding = "embedding";
    public const string Matching = "matching";

    public static readonly IReadOnlyList<string> All = [Embedding, Matching];

    public static bool IsValid(string? queue) => queue is Embedding or Matching;
}

/// <summary>
/// Whether each queue is paused, read from the database once and then kept in step by every change (one process
/// owns the database). A paused job's runs return at once; the photos simply wait in their status.
/// </summary>
public sealed class JobControls(JobsRepository repository, TimeProvider clock)
{
    private readonly SemaphoreSlim loading = new(1, 1);
    private volatile IReadOnlyDictionary<string, bool>? paused;

    public async Task<bool> IsPausedAsync(string queue) => (await GetAsync()).GetValueOrDefault(queue);

    public async Task<IReadOnlyDictionary<string, bool>> GetAsync()
    {
        if (paused is { } known) return known;
        await loading.WaitAsync();
        try
        {
            return paused ??= await repository.GetPausedAsync();
        }
        finally
        {
            loading.Release();
        }
    }

    public async Task SetPausedAsync(string queue, bool pause, string? changedBy)
    {
        await loading.WaitAsync();
        try
        {
            await repository.SetPausedAsync(queue, pause, changedBy, clock.GetUtcNow());
            paused = await repository.GetPausedAsync();
        }
        finally
        {
            loading.Release();
        }
    }
}
