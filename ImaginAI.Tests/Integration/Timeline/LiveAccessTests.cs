using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using ImaginAI.Tests.Integration.Accounts;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Accounts;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ImaginAI.Tests.Integration.Timeline;

/// <summary>A hub connection watching one project with the real .NET SignalR client, recording the photo events it gets.</summary>
internal sealed class Watcher : IAsyncDisposable
{
    public HubConnection Connection { get; }
    public ConcurrentQueue<long> PhotosSeen { get; } = new();
    public TaskCompletionSource<Exception?> Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource<long> Revoked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Watcher(HubConnection connection)
    {
        Connection = connection;
        foreach (var name in new[] { "photoAdded", "photoUpdated", "milestoneReached" })
            connection.On<JsonElement>(name, photo => PhotosSeen.Enqueue(photo.GetProperty("id").GetInt64()));
        connection.On<long>("accessRevoked", projectId => Revoked.TrySetResult(projectId));
        connection.Closed += error =>
        {
            Closed.TrySetResult(error);
            return Task.CompletedTask;
        };
    }

    /// <summary>A connection (not started) over one transport, signed in by an API token or by a browser's cookie.</summary>
    public static Watcher Create(TrackerApp app, HttpTransportType transport, string? token = null, string? cookie = null) =>
        new(new HubConnectionBuilder()
            .WithUrl(new Uri(app.BaseAddress, "hubs/timeline"), transport, options =>
            {
                if (token is not null) options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                if (cookie is not null) options.Headers["Cookie"] = cookie;
            })
            .Build());

    public static async Task<Watcher> JoinAsync(TrackerApp app, HttpTransportType transport, long projectId, string? token = null, string? cookie = null)
    {
        var watcher = Create(app, transport, token, cookie);
        await watcher.Connection.StartAsync();
        await watcher.Connection.InvokeAsync("JoinProject", projectId);
        return watcher;
    }

    public async Task WaitToSeeAsync(long photoId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!PhotosSeen.Contains(photoId) && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(PhotosSeen.Contains(photoId), $"photo {photoId}'s event did not arrive within 90 s");
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}

internal static class LiveAccess
{
    /// <summary>
    /// Changes an account the way a process other than this web app would (the `users` verb, a second node, an
    /// edit of the database): the web app is not told, so only its own re-checks can notice.
    /// </summary>
    public static async Task ChangeElsewhereAsync(TrackerApp app, string sql, long userId)
    {
        await using var connection = TrackerDatabase.Connect(app.DatabasePath);
        await connection.OpenAsync();
        // SQLite enforces the foreign keys (the cascades of a deleted user) only when the connection asks it to.
        if (!TestDatabase.IsPostgres) await Dapper.SqlMapper.ExecuteAsync(connection, "PRAGMA foreign_keys = ON");
        Assert.Equal(1, await Dapper.SqlMapper.ExecuteAsync(connection, sql,
            new { id = userId, now = ImaginAI.Tracker.Data.TrackerDb.Utc(DateTimeOffset.UtcNow) }));
    }

    public static readonly Dictionary<string, string> ChangesElsewhere = new()
    {
        ["demoted"] = "UPDATE users SET role = 'manager' WHERE id = @id",
        ["deleted"] = "DELETE FROM users WHERE id = @id",
        ["token revoked"] = "UPDATE api_tokens SET revoked_at = @now WHERE user_id = @id AND revoked_at IS NULL",
        ["password reset"] = "UPDATE users SET security_stamp = 'reset-by-the-users-verb' WHERE id = @id",
    };

    /// <summary>A browser on the app's Kestrel port: keeps cookies, does not follow redirects.</summary>
    public static HttpClient Browser(TrackerApp app) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = app.BaseAddress,
        };

    /// <summary>Uploads a photo as <paramref name="uploader"/> and waits until <paramref name="control"/> has its event.</summary>
    public static async Task<long> UploadSeenByAsync(TrackerApp app, long projectId, TestUser uploader, Watcher control, int size)
    {
        using var client = app.CreateClientWithToken(uploader.Token);
        var photoId = await app.UploadOneAsync(projectId, $"after-{size}.jpg", TestImages.QuadrantsJpeg(size, size * 3 / 4), client: client);
        await control.WaitToSeeAsync(photoId);
        return photoId;
    }
}

/// <summary>
/// Every hub call re-reads the caller from the database (the timer is set too slow to help here). Over WebSockets, as
/// the probe found it: one long request, so nothing at the HTTP level looks at the credential again.
/// </summary>
public sealed class HubCallRecheckTests : IAsyncLifetime
{
    private readonly TrackerApp app = TrackerApp.Create(kestrel: true, settings: new() { ["Accounts:LiveRecheckSeconds"] = "3600" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Theory]
    [InlineData("demoted")]
    [InlineData("deleted")]
    [InlineData("token revoked")]
    [InlineData("password reset")]
    public async Task JoinProject_AdminConnectionAfterAccountChangedElsewhere_IsRefusedAndReceivesNothing(string change)
    {
        var team = await app.CreateTeamAsync("Recheck site " + change);
        var admin = await app.CreateUserAsync(Roles.Admin);
        await using var control = await Watcher.JoinAsync(app, HttpTransportType.WebSockets, team.ProjectId, team.Manager.Token);
        // Connected while still an admin with a working token: then the account changes behind the app's back.
        await using var stale = Watcher.Create(app, HttpTransportType.WebSockets, admin.Token);
        await stale.Connection.StartAsync();
        await LiveAccess.ChangeElsewhereAsync(app, LiveAccess.ChangesElsewhere[change], admin.Id);

        var refusal = await Assert.ThrowsAnyAsync<Exception>(() => stale.Connection.InvokeAsync("JoinProject", team.ProjectId));
        var photoId = await LiveAccess.UploadSeenByAsync(app, team.ProjectId, team.Manager, control, 640);

        Assert.True(refusal is HubException or InvalidOperationException or TaskCanceledException, refusal.ToString());
        Assert.DoesNotContain(photoId, stale.PhotosSeen);
    }

    [Fact]
    public async Task JoinProject_ManagerWhoseTokenWasRevokedElsewhere_IsRefusedWhileTheirOtherTokenStillJoins()
    {
        var team = await app.CreateTeamAsync("Two tokens");
        var secondToken = await app.CreateTokenAsync(team.Manager.Email);
        await using var revoked = Watcher.Create(app, HttpTransportType.WebSockets, team.Manager.Token);
        await using var kept = Watcher.Create(app, HttpTransportType.WebSockets, secondToken);
        await revoked.Connection.StartAsync();
        await kept.Connection.StartAsync();
        var tokenId = (await app.Services.GetRequiredService<ApiTokenRepository>().GetActiveByHashAsync(AccountService.HashToken(team.Manager.Token)))!.Id;
        await LiveAccess.ChangeElsewhereAsync(app, "UPDATE api_tokens SET revoked_at = @now WHERE id = " + tokenId + " AND user_id = @id", team.Manager.Id);

        await Assert.ThrowsAnyAsync<Exception>(() => revoked.Connection.InvokeAsync("JoinProject", team.ProjectId));
        await kept.Connection.InvokeAsync("JoinProject", team.ProjectId);
    }
}

/// <summary>A timer re-checks every open connection, for changes the web app was not told about.</summary>
public sealed class LiveRecheckTimerTests : IAsyncLifetime
{
    private readonly TrackerApp app = TrackerApp.Create(kestrel: true, settings: new() { ["Accounts:LiveRecheckSeconds"] = "1" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task IdleConnection_AfterPasswordResetElsewhere_IsClosedByTheTimer()
    {
        var team = await app.CreateTeamAsync("Timer site");
        await using var watcher = await Watcher.JoinAsync(app, HttpTransportType.WebSockets, team.ProjectId, team.Manager.Token);

        await LiveAccess.ChangeElsewhereAsync(app, LiveAccess.ChangesElsewhere["password reset"], team.Manager.Id);

        await watcher.Closed.Task.WaitAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(HubConnectionState.Disconnected, watcher.Connection.State);
    }

    [Fact]
    public async Task WatchedProject_AfterMembershipRemovedElsewhere_IsRevokedByTheTimerAndItsEventsStop()
    {
        var team = await app.CreateTeamAsync("Timer members");
        await using var control = await Watcher.JoinAsync(app, HttpTransportType.WebSockets, team.ProjectId, team.Manager.Token);
        await using var worker = await Watcher.JoinAsync(app, HttpTransportType.WebSockets, team.ProjectId, team.Field.Token);

        await LiveAccess.ChangeElsewhereAsync(app, $"DELETE FROM project_members WHERE project_id = {team.ProjectId} AND user_id = @id", team.Field.Id);

        Assert.Equal(team.ProjectId, await worker.Revoked.Task.WaitAsync(TimeSpan.FromSeconds(90)));
        var photoId = await LiveAccess.UploadSeenByAsync(app, team.ProjectId, team.Manager, control, 640);
        Assert.DoesNotContain(photoId, worker.PhotosSeen);
        // Their sign-in still stands: only the project is closed to them.
        Assert.Equal(HubConnectionState.Connected, worker.Connection.State);
    }
}

/// <summary>The real Tracker on Kestrel whose timer is too slow to matter: what closes connections here is the change itself.</summary>
public sealed class KestrelAppWithoutRecheckTimer : TrackerApp
{
    public KestrelAppWithoutRecheckTimer() : base(kestrel: true, dataDirectory: null, settings: new() { ["Accounts:LiveRecheckSeconds"] = "3600" }) { }
}

public enum AccountChange { DemoteAdmin, DeleteAdmin, RevokeAdminToken, RevokeManagerToken, ResetManagerPassword, ChangeOwnPassword, SignOut }

/// <summary>Account changes made in the web app close the user's open connections at once, on every transport.</summary>
public sealed class ConnectionClosingTests(KestrelAppWithoutRecheckTimer app) : IClassFixture<KestrelAppWithoutRecheckTimer>
{
    private const string NewPassword = "a fresh password 2026";

    public static TheoryData<HttpTransportType, AccountChange> Cases()
    {
        var cases = new TheoryData<HttpTransportType, AccountChange>();
        foreach (var transport in new[] { HttpTransportType.WebSockets, HttpTransportType.ServerSentEvents, HttpTransportType.LongPolling })
            foreach (var change in Enum.GetValues<AccountChange>())
                cases.Add(transport, change);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task OpenConnection_WhenItsSignInEnds_ClosesAtOnceAndReceivesNothing(HttpTransportType transport, AccountChange change)
    {
        var team = await app.CreateTeamAsync($"Closing {transport} {change}");
        var subject = change is AccountChange.DemoteAdmin or AccountChange.DeleteAdmin or AccountChange.RevokeAdminToken
            ? await app.CreateUserAsync(Roles.Admin)
            : team.Manager;
        using var subjectBrowser = LiveAccess.Browser(app);
        var signIn = await subjectBrowser.PostLoginAsync(subject.Email, subject.Password);
        Assert.True(signIn.StatusCode == HttpStatusCode.Redirect, $"sign-in answered {(int)signIn.StatusCode}: {await signIn.Content.ReadAsStringAsync()}");
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("imaginai.auth=", StringComparison.Ordinal)).Split(';')[0];
        await using var control = await Watcher.JoinAsync(app, transport, team.ProjectId, app.AdminToken);
        var viaCookie = change == AccountChange.SignOut;
        await using var watcher = await Watcher.JoinAsync(app, transport, team.ProjectId,
            token: viaCookie ? null : subject.Token, cookie: viaCookie ? cookie : null);
        var before = await LiveAccess.UploadSeenByAsync(app, team.ProjectId, team.Manager, control, 480);
        await watcher.WaitToSeeAsync(before);

        var changed = await ChangeAsync(change, subject, subjectBrowser);

        Assert.True(changed.IsSuccessStatusCode || changed.StatusCode == HttpStatusCode.Redirect, $"{change} answered {(int)changed.StatusCode}");
        // A bound on a hang, far below the hour the timer would take: what closed it was the change itself.
        await watcher.Closed.Task.WaitAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(HubConnectionState.Disconnected, watcher.Connection.State);
        await Assert.ThrowsAnyAsync<InvalidOperationException>(() => watcher.Connection.InvokeAsync("JoinProject", team.ProjectId));
        var after = await LiveAccess.UploadSeenByAsync(app, team.ProjectId, app.AdminUser(), control, 800);
        Assert.DoesNotContain(after, watcher.PhotosSeen);

        // Coming back with the same credential: a demoted admin may connect but no longer join a project they are not in;
        // every other credential is refused outright.
        await using var again = Watcher.Create(app, transport, token: viaCookie ? null : subject.Token, cookie: viaCookie ? cookie : null);
        if (change == AccountChange.DemoteAdmin)
        {
            await again.Connection.StartAsync();
            var refusal = await Assert.ThrowsAsync<HubException>(() => again.Connection.InvokeAsync("JoinProject", team.ProjectId));
            Assert.Contains("not a member", refusal.Message);
        }
        else
        {
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => again.Connection.StartAsync());
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
    }

    private async Task<HttpResponseMessage> ChangeAsync(AccountChange change, TestUser subject, HttpClient subjectBrowser)
    {
        if (change is AccountChange.RevokeAdminToken or AccountChange.RevokeManagerToken)
        {
            var tokenId = (await app.Services.GetRequiredService<ApiTokenRepository>().GetActiveByHashAsync(AccountService.HashToken(subject.Token)))!.Id;
            return await subjectBrowser.PostAsync($"/account/tokens/{tokenId}/revoke",
                AccountsTestSupport.Form(await subjectBrowser.GetFormTokenAsync("/account")));
        }
        if (change == AccountChange.ChangeOwnPassword)
            return await subjectBrowser.PostAsync("/account/password", AccountsTestSupport.Form(await subjectBrowser.GetFormTokenAsync("/account"),
                ("currentPassword", subject.Password), ("newPassword", NewPassword), ("confirmPassword", NewPassword)));
        if (change == AccountChange.SignOut)
            return await subjectBrowser.PostAsync("/account/logout", AccountsTestSupport.Form(await subjectBrowser.GetFormTokenAsync("/account")));

        using var admin = LiveAccess.Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostLoginAsync(TrackerApp.AdminEmail, TrackerApp.AdminPassword)).StatusCode);
        var formToken = await admin.GetFormTokenAsync("/admin/users");
        return change switch
        {
            AccountChange.DemoteAdmin => await admin.PostAsync($"/admin/users/{subject.Id}/role", AccountsTestSupport.Form(formToken, ("role", Roles.Manager))),
            AccountChange.DeleteAdmin => await admin.PostAsync($"/admin/users/{subject.Id}/delete", AccountsTestSupport.Form(formToken)),
            AccountChange.ResetManagerPassword => await admin.PostAsync($"/admin/users/{subject.Id}/password", AccountsTestSupport.Form(formToken, ("password", NewPassword))),
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };
    }
}

internal static class AdminUserExtensions
{
    /// <summary>The seeded admin as a test user (its token is the app's own admin token).</summary>
    public static TestUser AdminUser(this TrackerApp app) => new(0, TrackerApp.AdminEmail, TrackerApp.AdminPassword, Roles.Admin, app.AdminToken);
}
