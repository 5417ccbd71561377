using Quartz;

namespace ImaginAI.Tracker.Scheduling;

/// <summary>The one Quartz scheduler the background modules (embedding, matching) add their jobs to.</summary>
public static class SchedulingModule
{
    public static IServiceCollection AddTrackerScheduler(this IServiceCollection services)
    {
        if (services.Any(s => s.ServiceType == typeof(JobWaker))) return services;
        services.AddQuartz(_ => { });
        // On shutdown a running batch finishes and commits; nothing is left half-done.
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        services.AddSingleton<JobWaker>();
        services.AddSingleton<BackgroundCpu>();
        return services;
    }

    /// <summary>A job that runs from start-up every interval (read from the options when the scheduler starts) and can be woken at once through <see cref="JobWaker"/>.</summary>
    public static IServiceCollection AddRecurringJob<TJob>(this IServiceCollection services, JobKey key, Func<IServiceProvider, TimeSpan> interval) where TJob : IJob
    {
        services.AddTrackerScheduler();
        services.ConfigureAllQuartzSchedulers(q =>
        {
            q.AddJob<TJob>(j => j.WithIdentity(key).StoreDurably().DisallowConcurrentExecution());
            q.AddTrigger<TJob>((sp, t) => t.ForJob(key)
                .WithIdentity(key.Name + "-every")
                .StartNow()
                .WithSimpleSchedule(s => s.WithInterval(interval(sp)).RepeatForever()
                    .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
        });
        return services;
    }
}

/// <summary>Runs a job now (after the running one, for jobs that disallow concurrent runs).</summary>
public sealed class JobWaker(ISchedulerFactory schedulers, ILogger<JobWaker> logger)
{
    public async Task WakeAsync(JobKey key)
    {
        try
        {
            var scheduler = await schedulers.GetScheduler();
            if (scheduler.Status is not SchedulerStatus.Running) return;
            await scheduler.TriggerJob(key);
        }
        catch (SchedulerException e)
        {
            // The periodic trigger picks the work up anyway.
            logger.LogDebug(e, "Could not wake job {Job}", key);
        }
    }
}
