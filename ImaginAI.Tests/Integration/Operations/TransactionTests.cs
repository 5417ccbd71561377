using System.Net;
using System.Net.Http.Json;
using ImaginAI.Tests.Integration.Accounts;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Accounts;
using ImaginAI.Tracker.Data;
using ImaginAI.Tracker.Security;
using ImaginAI.Tracker.Timeline;
using Microsoft.Extensions.DependencyInjection;

namespace ImaginAI.Tests.Integration.Operations;

/// <summary>
/// Each user action that writes more than one row commits whole or not at all. The second write is made to fail
/// inside SQLite (a trigger that aborts, as a full disk or a crash between the writes would), and the first must
/// not be left behind.
/// </summary>
public sealed class TransactionTests
{
    [Fact]
    public async Task ManagerDecision_CalibrationExampleCannotBeWritten_LeavesThePhotoAsTheJobDecidedIt()
    {
        await using var app = TrackerApp.Create();
        var admin = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Decisions", admin)).GetProperty("id").GetInt64();
        var milestone = await app.AddMilestoneAsync(projectId, "Planted", admin);
        await app.WaitUntilDecidedAsync(await app.UploadOneAsync(projectId, "garden.jpg", RealPhotos.Read("Garden.jpg"), milestone, admin), client: admin);
        // Scored against the milestone's reference and left for review: the manager's correction teaches calibration.
        var photoId = await app.UploadOneAsync(projectId, "dune.jpg", RealPhotos.Read("Dune.jpg"), client: admin);
        var decided = await app.WaitUntilDecidedAsync(photoId, client: admin);
        Assert.Equal("unmatched", decided.GetProperty("status").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, decided.GetProperty("milestoneScore").ValueKind);

        await using (FailInserts(app, "match_examples"))
        {
            using var refused = await admin.PutAsJsonAsync($"/api/photos/{photoId}/milestone", new { milestoneId = milestone });
            Assert.False(refused.IsSuccessStatusCode);
        }
        var after = await app.GetPhotoAsync(photoId, admin);
        Assert.Equal("unmatched", after.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, after.GetProperty("milestoneSource").ValueKind);

        using var accepted = await admin.PutAsJsonAsync($"/api/photos/{photoId}/milestone", new { milestoneId = milestone });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(1, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath, "SELECT COUNT(*) FROM match_examples WHERE photo_id = @photoId", new { photoId }));
        Assert.Equal("manual", (await app.GetPhotoAsync(photoId, admin)).GetProperty("milestoneSource").GetString());
    }

    [Fact]
    public async Task BulkReview_CalibrationExampleCannotBeWritten_LeavesEveryPhotoAsTheJobDecidedIt()
    {
        await using var app = TrackerApp.Create();
        var admin = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Bulk decisions", admin)).GetProperty("id").GetInt64();
        var milestone = await app.AddMilestoneAsync(projectId, "Planted", admin);
        await app.WaitUntilDecidedAsync(await app.UploadOneAsync(projectId, "garden.jpg", RealPhotos.Read("Garden.jpg"), milestone, admin), client: admin);
        var photoId = await app.UploadOneAsync(projectId, "dune.jpg", RealPhotos.Read("Dune.jpg"), client: admin);
        Assert.Equal("unmatched", (await app.WaitUntilDecidedAsync(photoId, client: admin)).GetProperty("status").GetString());
        var review = $"/api/projects/{projectId}/photos/milestone";

        await using (FailInserts(app, "match_examples"))
        {
            using var refused = await admin.PostAsJsonAsync(review, new { photoIds = new[] { photoId }, milestoneId = milestone });
            Assert.False(refused.IsSuccessStatusCode);
        }
        var after = await app.GetPhotoAsync(photoId, admin);
        Assert.Equal("unmatched", after.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, after.GetProperty("milestoneSource").ValueKind);

        using var accepted = await admin.PostAsJsonAsync(review, new { photoIds = new[] { photoId }, milestoneId = milestone });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(1, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath, "SELECT COUNT(*) FROM match_examples WHERE photo_id = @photoId", new { photoId }));
        Assert.Equal("manual", (await app.GetPhotoAsync(photoId, admin)).GetProperty("milestoneSource").GetString());
    }

    [Fact]
    public async Task CreateProject_CreatorCannotBeMadeManager_StoresNoProject()
    {
        await using var app = TrackerApp.Create();
        var manager = await app.CreateUserAsync(Roles.Manager);
        using var client = app.CreateClientWithToken(manager.Token);

        await using (FailInserts(app, "project_members"))
        {
            using var refused = await client.PostAsJsonAsync("/api/projects", new { name = "Half made" });
            Assert.False(refused.IsSuccessStatusCode);
        }

        Assert.Equal(0, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath, "SELECT COUNT(*) FROM projects WHERE name = 'Half made'"));
        using var created = await client.PostAsJsonAsync("/api/projects", new { name = "Whole" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(1, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath,
            "SELECT COUNT(*) FROM project_members m JOIN projects p ON p.id = m.project_id WHERE p.name = 'Whole' AND m.role = 'manager'"));
    }

    [Fact]
    public async Task SetMembership_AuditLineCannotBeWritten_AddsNoMember()
    {
        await using var app = TrackerApp.Create();
        var projectId = (await app.CreateProjectAsync("Members", app.CreateClient())).GetProperty("id").GetInt64();
        var user = await app.CreateUserAsync(Roles.Field);
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var stored = (await services.GetRequiredService<UserRepository>().GetByIdAsync(user.Id))!;

        await using (FailInserts(app, "audit_log"))
            await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => MembershipRules.SetAsync(services.GetRequiredService<TrackerDb>(),
                services.GetRequiredService<MembershipRepository>(), services.GetRequiredService<AuditLog>(), projectId, stored, ProjectRoles.Field));

        Assert.Equal(0, await MembersAsync(app, projectId, user.Id));
        await MembershipRules.SetAsync(services.GetRequiredService<TrackerDb>(), services.GetRequiredService<MembershipRepository>(),
            services.GetRequiredService<AuditLog>(), projectId, stored, ProjectRoles.Field);
        Assert.Equal(1, await MembersAsync(app, projectId, user.Id));
    }

    [Fact]
    public async Task RemoveMembership_AuditLineCannotBeWritten_KeepsTheMember()
    {
        await using var app = TrackerApp.Create();
        var projectId = (await app.CreateProjectAsync("Leavers", app.CreateClient())).GetProperty("id").GetInt64();
        var user = await app.CreateUserAsync(Roles.Field);
        await app.AddMemberAsync(projectId, user.Id, ProjectRoles.Field);
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var stored = (await services.GetRequiredService<UserRepository>().GetByIdAsync(user.Id))!;
        Task RemoveAsync() => MembershipRules.RemoveAsync(services.GetRequiredService<TrackerDb>(), services.GetRequiredService<MembershipRepository>(),
            services.GetRequiredService<AuditLog>(), services.GetRequiredService<TimelineAccessGuard>(), projectId, stored);

        await using (FailInserts(app, "audit_log"))
            await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(RemoveAsync);

        Assert.Equal(1, await MembersAsync(app, projectId, user.Id));
        await RemoveAsync();
        Assert.Equal(0, await MembersAsync(app, projectId, user.Id));
    }

    public enum ProjectChange { DecidePhoto, DecideInBulk, DeletePhoto, RestorePhoto, RenameProject, ArchiveProject, RenameMilestone, ReorderMilestones, DeleteMilestone, DeleteWebhook, EditNoteAndTags, AddComment, DeleteComment }

    [Theory]
    [InlineData(ProjectChange.DecidePhoto)]
    [InlineData(ProjectChange.DecideInBulk)]
    [InlineData(ProjectChange.DeletePhoto)]
    [InlineData(ProjectChange.RestorePhoto)]
    [InlineData(ProjectChange.RenameProject)]
    [InlineData(ProjectChange.ArchiveProject)]
    [InlineData(ProjectChange.RenameMilestone)]
    [InlineData(ProjectChange.ReorderMilestones)]
    [InlineData(ProjectChange.DeleteMilestone)]
    [InlineData(ProjectChange.DeleteWebhook)]
    [InlineData(ProjectChange.EditNoteAndTags)]
    [InlineData(ProjectChange.AddComment)]
    [InlineData(ProjectChange.DeleteComment)]
    public async Task ProjectChange_AuditLineCannotBeWritten_ChangesNothingThenSucceedsWithOneLine(ProjectChange change)
    {
        await using var app = TrackerApp.Create(settings: new() { ["Webhooks:AllowLoopback"] = "true" });
        var admin = app.CreateClient();
        var projectId = (await app.CreateProjectAsync("Audited", admin)).GetProperty("id").GetInt64();
        var first = await app.AddMilestoneAsync(projectId, "Footings", admin);
        var second = await app.AddMilestoneAsync(projectId, "Walls", admin);
        var photoId = await app.UploadOneAsync(projectId, "wood.jpg", RealPhotos.Read("Wood.jpg"), client: admin);
        await app.WaitUntilDecidedAsync(photoId, client: admin);
        using var hook = await admin.PostAsJsonAsync($"/api/projects/{projectId}/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "photo.failed" } });
        var webhookId = (await hook.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64();
        if (change == ProjectChange.RestorePhoto) (await admin.DeleteAsync($"/api/photos/{photoId}")).EnsureSuccessStatusCode();
        using var posted = await admin.PostAsJsonAsync($"/api/photos/{photoId}/comments", new { body = "Formwork checked" });
        var commentId = (await posted.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64();
        Task<HttpResponseMessage> Send() => change switch
        {
            ProjectChange.DecidePhoto => admin.PutAsJsonAsync($"/api/photos/{photoId}/milestone", new { milestoneId = second }),
            ProjectChange.DecideInBulk => admin.PostAsJsonAsync($"/api/projects/{projectId}/photos/milestone", new { photoIds = new[] { photoId }, milestoneId = second }),
            ProjectChange.DeletePhoto => admin.DeleteAsync($"/api/photos/{photoId}"),
            ProjectChange.RestorePhoto => admin.PostAsync($"/api/photos/{photoId}/restore", null),
            ProjectChange.RenameProject => admin.PatchAsJsonAsync($"/api/projects/{projectId}", new { name = "Renamed" }),
            ProjectChange.ArchiveProject => admin.PostAsync($"/api/projects/{projectId}/archive", null),
            ProjectChange.RenameMilestone => admin.PatchAsJsonAsync($"/api/projects/{projectId}/milestones/{first}", new { name = "Slab" }),
            ProjectChange.ReorderMilestones => admin.PutAsJsonAsync($"/api/projects/{projectId}/milestones/order", new { milestoneIds = new[] { second, first } }),
            ProjectChange.DeleteMilestone => admin.DeleteAsync($"/api/projects/{projectId}/milestones/{first}"),
            ProjectChange.DeleteWebhook => admin.DeleteAsync($"/api/projects/{projectId}/webhooks/{webhookId}"),
            ProjectChange.EditNoteAndTags => admin.PatchAsJsonAsync($"/api/photos/{photoId}", new { note = "North wall", tags = new[] { "wall", "level 2" } }),
            ProjectChange.AddComment => admin.PostAsJsonAsync($"/api/photos/{photoId}/comments", new { body = "Second coat done" }),
            ProjectChange.DeleteComment => admin.DeleteAsync($"/api/photos/{photoId}/comments/{commentId}"),
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };
        var before = await ProjectRowsAsync(app, projectId);
        var linesBefore = await TrackerDatabase.ScalarAsync<long>(app.DatabasePath, "SELECT COUNT(*) FROM audit_log");

        await using (FailInserts(app, "audit_log"))
        {
            using var refused = await Send();
            Assert.False(refused.IsSuccessStatusCode);
        }
        Assert.Equal(before, await ProjectRowsAsync(app, projectId));

        using var accepted = await Send();
        Assert.True(accepted.IsSuccessStatusCode, await accepted.Content.ReadAsStringAsync());
        Assert.NotEqual(before, await ProjectRowsAsync(app, projectId));
        Assert.Equal(linesBefore + 1, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath, "SELECT COUNT(*) FROM audit_log"));
    }

    /// <summary>What the project's changes can touch: the project, its milestones, its photos' decisions and deletion, its webhooks.</summary>
    private static async Task<string> ProjectRowsAsync(TrackerApp app, long projectId) =>
        string.Join(" | ",
            await TrackerDatabase.ScalarAsync<string>(app.DatabasePath,
                "SELECT name || ' ' || COALESCE(archived_at, 'open') FROM projects WHERE id = @projectId", new { projectId }),
            string.Join(", ", await TrackerDatabase.QueryAsync<string>(app.DatabasePath,
                "SELECT id || ' ' || name || ' ' || position FROM milestones WHERE project_id = @projectId ORDER BY id", new { projectId })),
            string.Join(", ", await TrackerDatabase.QueryAsync<string>(app.DatabasePath,
                "SELECT id || ' ' || status || ' ' || COALESCE(milestone_id, 0) || ' ' || COALESCE(deleted_at, 'kept') FROM photos WHERE project_id = @projectId ORDER BY id",
                new { projectId })),
            await TrackerDatabase.ScalarAsync<long>(app.DatabasePath, "SELECT COUNT(*) FROM webhook_subscriptions WHERE project_id = @projectId", new { projectId }),
            string.Join(", ", await TrackerDatabase.QueryAsync<string>(app.DatabasePath,
                "SELECT COALESCE(note, '-') FROM photos WHERE project_id = @projectId ORDER BY id", new { projectId })),
            string.Join(", ", await TrackerDatabase.QueryAsync<string>(app.DatabasePath,
                "SELECT t.tag FROM photo_tags t JOIN photos p ON p.id = t.photo_id WHERE p.project_id = @projectId ORDER BY t.tag", new { projectId })),
            string.Join(", ", await TrackerDatabase.QueryAsync<string>(app.DatabasePath,
                "SELECT c.body FROM photo_comments c JOIN photos p ON p.id = c.photo_id WHERE p.project_id = @projectId ORDER BY c.id", new { projectId })));

    public enum AccountChange { CreateUser, ChangeRole, ResetPassword, DeleteUser, CreateToken, RevokeToken }

    [Theory]
    [InlineData(AccountChange.CreateUser)]
    [InlineData(AccountChange.ChangeRole)]
    [InlineData(AccountChange.ResetPassword)]
    [InlineData(AccountChange.DeleteUser)]
    [InlineData(AccountChange.CreateToken)]
    [InlineData(AccountChange.RevokeToken)]
    public async Task AccountChange_AuditLineCannotBeWritten_ChangesNothing(AccountChange change)
    {
        await using var app = TrackerApp.Create();
        var subject = await app.CreateUserAsync(Roles.Manager);
        await using var scope = app.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
        var stored = (await scope.ServiceProvider.GetRequiredService<UserRepository>().GetByIdAsync(subject.Id))!;
        var existingToken = (await accounts.CreateTokenAsync(stored, "phone")).Token.Id;
        using var admin = await app.SignInWithCookieAsync(TrackerApp.AdminEmail, TrackerApp.AdminPassword);
        var formToken = await admin.GetFormTokenAsync("/admin/users");
        var before = await AccountRowsAsync(app, subject.Id);

        await using (FailInserts(app, "audit_log"))
        {
            switch (change)
            {
                case AccountChange.CreateUser:
                    using (var created = await admin.PostAsync("/admin/users", AccountsTestSupport.Form(formToken,
                        ("email", "new.starter@example.com"), ("password", "a long enough password"), ("role", Roles.Field))))
                        Assert.False(created.IsSuccessStatusCode);
                    break;
                case AccountChange.ChangeRole:
                    using (var changed = await admin.PostAsync($"/admin/users/{subject.Id}/role", AccountsTestSupport.Form(formToken, ("role", Roles.Field))))
                        Assert.False(changed.IsSuccessStatusCode);
                    break;
                case AccountChange.ResetPassword:
                    using (var reset = await admin.PostAsync($"/admin/users/{subject.Id}/password", AccountsTestSupport.Form(formToken, ("password", "a brand new password"))))
                        Assert.False(reset.IsSuccessStatusCode);
                    break;
                case AccountChange.DeleteUser:
                    using (var deleted = await admin.PostAsync($"/admin/users/{subject.Id}/delete", AccountsTestSupport.Form(formToken)))
                        Assert.False(deleted.IsSuccessStatusCode);
                    break;
                case AccountChange.CreateToken:
                    await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => accounts.CreateTokenAsync(stored, "tablet"));
                    break;
                case AccountChange.RevokeToken:
                    await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => accounts.RevokeTokenAsync(stored, existingToken));
                    break;
            }
        }

        Assert.Equal(before, await AccountRowsAsync(app, subject.Id));
        Assert.Equal(0, await TrackerDatabase.ScalarAsync<long>(app.DatabasePath, "SELECT COUNT(*) FROM users WHERE email = 'new.starter@example.com'"));
    }

    /// <summary>Everything an account change can touch: the user's row and sign-in state, their tokens, every user's e-mail.</summary>
    private static async Task<string> AccountRowsAsync(TrackerApp app, long userId) =>
        string.Join(" | ",
            await TrackerDatabase.ScalarAsync<string>(app.DatabasePath,
                "SELECT COALESCE(MAX(role || ' ' || password_hash || ' ' || security_stamp), 'gone') FROM users WHERE id = @userId", new { userId }),
            await TrackerDatabase.ScalarAsync<string>(app.DatabasePath,
                "SELECT COUNT(*) || ' tokens, ' || COUNT(revoked_at) || ' revoked' FROM api_tokens WHERE user_id = @userId", new { userId }),
            await TrackerDatabase.ScalarAsync<long>(app.DatabasePath, "SELECT COUNT(*) FROM users"));

    private static Task<long> MembersAsync(TrackerApp app, long projectId, long userId) =>
        TrackerDatabase.ScalarAsync<long>(app.DatabasePath,
            "SELECT COUNT(*) FROM project_members WHERE project_id = @projectId AND user_id = @userId", new { projectId, userId });

    /// <summary>Makes every insert into the table abort until disposed.</summary>
    private static FailingTable FailInserts(TrackerApp app, string table)
    {
        if (TestDatabase.IsPostgres)
        {
            Execute(app, $"""
                CREATE FUNCTION fail_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the disk is full'; END; $$;
                CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION fail_{table}();
                """);
            return new FailingTable(() => Execute(app, $"DROP TRIGGER fail_{table} ON {table}; DROP FUNCTION fail_{table}();"));
        }
        Execute(app, $"CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, 'the disk is full'); END;");
        return new FailingTable(() => Execute(app, $"DROP TRIGGER fail_{table};"));
    }

    private static void Execute(TrackerApp app, string sql)
    {
        using var connection = TrackerDatabase.Connect(app.DatabasePath);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private sealed class FailingTable(Action drop) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            drop();
            return ValueTask.CompletedTask;
        }
    }
}
