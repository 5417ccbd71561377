using System.Data.Common;
using Dapper;
using ImaginAI.Tracker.Data;
using Quartz;

namespace ImaginAI.Tracker.Scheduling;

/// <summary>
/// Records each run of a <see cref="JobScope.Cluster"/> job in maintenance_runs: the node that ran it, the firing it
/// ran for (its scheduled time), when it ran and what it reports (<see cref="IJobExecutionContext.Result"/>). With
/// several nodes on one PostgreSQL database this is where an operator sees that each firing ran on one node.
/// </summary>
public sealed class MaintenanceRunRecorder(TrackerDb db, TimeProvider clock, ILogger<MaintenanceRunRecorder> logger) : IJobListener
{
    /// <summary>How long runs are kept: an hourly job leaves about two thousand rows.</summary>
    public static readonly TimeSpan Kept = TimeSpan.FromDays(90);

    public string Name => "maintenance-runs";

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default) => default;

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => default;

    public async ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var job = context.JobDetail.Key.Name;
        try
        {
            await db.InTransactionAsync(async transaction =>
            {
                await transaction.Connection!.ExecuteAsync("""
                    INSERT INTO maintenance_runs (job, node_id, scheduled_at, started_at, finished_at, result, error)
                    VALUES (@job, @node, @scheduledAt, @startedAt, @finishedAt, @result, @error)
                    """, new
                {
                    job, node = db.NodeId, scheduledAt = TrackerDb.Utc(context.ScheduledFireTimeUtc ?? context.FireTimeUtc),
                    startedAt = TrackerDb.Utc(context.FireTimeUtc), finishedAt = TrackerDb.Utc(now), result = context.Result?.ToString(), error = jobException?.InnerException?.Message ?? jobException?.Message,
                }, transaction);
                await transaction.Connection!.ExecuteAsync("DELETE FROM maintenance_runs WHERE job = @job AND started_at < @before",
                    new { job, before = TrackerDb.Utc(now - Kept) }, transaction);
                return 0;
            });
        }
        catch (DbException e)
        {
            // The database may be away (its outage is reported elsewhere); the job's own work is what matters.
            logger.LogWarning(e, "Could not record the run of {Job} on this node", job);
        }
    }
}
