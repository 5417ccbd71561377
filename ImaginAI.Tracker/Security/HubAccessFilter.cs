using System.Globalization;
using Microsoft.AspNetCore.SignalR;

namespace ImaginAI.Tracker.Security;

/// <summary>
/// Checks the caller of every hub call against the database, not against the claims the connection started with:
/// a connection whose sign-in has ended is closed, and a method that takes a projectId runs only for those who may
/// see that project now (a non-member never joins its group and receives none of its events).
/// </summary>
public sealed class HubAccessFilter(SignInCheck signIns, ProjectAccess access, LiveConnections live) : IHubFilter
{
    public const string SignInEndedMessage = "Your sign-in has ended (signed out, password or role changed, or token revoked). Sign in again.";

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        // Registered before the check: a sign-in ended in between is then either seen here or closed by the sweep.
        live.Opened(context.Context);
        if (await signIns.GetStandingUserAsync(context.Context.User) is null)
        {
            live.Closed(context.Context.ConnectionId);
            throw new HubException(SignInEndedMessage);
        }
        try
        {
            await next(context);
        }
        catch
        {
            live.Closed(context.Context.ConnectionId); // SignalR calls no OnDisconnectedAsync after a failed connect
            throw;
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        live.Closed(context.Context.ConnectionId);
        await next(context, exception);
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var connection = invocationContext.Context;
        if (await signIns.GetStandingUserAsync(connection.User) is not { } user)
        {
            connection.Abort();
            throw new HubException(SignInEndedMessage);
        }
        var parameters = invocationContext.HubMethod.GetParameters();
        for (var i = 0; i < parameters.Length; i++)
        {
            if (!string.Equals(parameters[i].Name, "projectId", StringComparison.OrdinalIgnoreCase)) continue;
            if (invocationContext.HubMethodArguments[i] is not { } argument
                || !await access.HasAsync(user, Convert.ToInt64(argument, CultureInfo.InvariantCulture), ProjectPermission.View))
                throw new HubException("There is no such project, or you are not a member of it.");
        }
        return await next(invocationContext);
    }
}
