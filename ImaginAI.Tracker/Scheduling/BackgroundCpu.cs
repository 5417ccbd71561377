using System.Collections.Concurrent;

namespace ImaginAI.Tracker.Scheduling;

/// <summary>
/// Threads of their own for the jobs' CPU-heavy work (decoding, keypoints, verification). On the thread pool that
/// work took every pool thread of a 2-core machine for hundreds of milliseconds at a time, and Kestrel's requests
/// (uploads, the timeline) queued behind it until the pool grew; here the pool stays free for requests, and the
/// work is capped at one thread per core.
/// </summary>
public sealed class BackgroundCpu : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> queue = [];
    private readonly Thread[] threads;

    public BackgroundCpu() : this(Environment.ProcessorCount) { }

    public BackgroundCpu(int threadCount)
    {
        threads = new Thread[threadCount];
        for (var i = 0; i < threadCount; i++)
        {
            threads[i] = new Thread(Work) { IsBackground = true, Name = $"imaginai-cpu-{i + 1}" };
            threads[i].Start();
        }
    }

    /// <summary>Parallel loops on these threads, as many at once as there are threads.</summary>
    public ParallelOptions Options => new() { TaskScheduler = this, MaxDegreeOfParallelism = threads.Length };

    public override int MaximumConcurrencyLevel => threads.Length;

    protected override void QueueTask(Task task) => queue.Add(task);

    // Inline only on our own threads: a pool thread must not end up doing the heavy work after all.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        Array.IndexOf(threads, Thread.CurrentThread) >= 0 && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => queue.ToArray();

    private void Work()
    {
        foreach (var task in queue.GetConsumingEnumerable()) TryExecuteTask(task);
    }

    public void Dispose()
    {
        queue.CompleteAdding();
        // The jobs have finished by now (the scheduler waits for them on shutdown); a thread still busy keeps the queue.
        if (threads.All(t => t.Join(TimeSpan.FromSeconds(10)))) queue.Dispose();
    }
}
