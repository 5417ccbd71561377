using System.Globalization;
using Microsoft.AspNetCore.SignalR;

namespace ImaginAI.Tracker.Security;

/// <summary>
/// Every hub method that takes a projectId runs only for members of that project, so a non-member can never join
/// a project's group and receives none of its events.
/// </summary>
public sealed class ProjectMembershipHubFilter(ProjectAccess access) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var parameters = invocationContext.HubMethod.GetParameters();
        for (var i = 0; i < parameters.Length; i++)
        {
            if (!string.Equals(parameters[i].Name, "projectId", StringComparison.OrdinalIgnoreCase)) continue;
            var argument = invocationContext.HubMethodArguments[i];
            var user = invocationContext.Context.User;
            if (user is null || argument is null
                || !await access.HasAsync(user, Convert.ToInt64(argument, CultureInfo.InvariantCulture), ProjectPermission.View))
                throw new HubException("There is no such project, or you are not a member of it.");
        }
        return await next(invocationContext);
    }
}
