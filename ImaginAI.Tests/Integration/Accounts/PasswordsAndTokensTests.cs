using System.Net;
using System.Net.Http.Json;
using System.Text;
using ImaginAI.Tests.Support;
using ImaginAI.Tracker.Accounts;

namespace ImaginAI.Tests.Integration.Accounts;

public sealed class PasswordsAndTokensTests(TrackerApp app) : IClassFixture<TrackerApp>
{
    [Fact]
    public async Task SignIn_FiveWrongPasswords_LocksAccountEvenAgainstTheRightOne()
    {
        var user = await app.CreateUserAsync(Roles.Field);
        using var browser = app.CreateBrowserClient();

        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostLoginAsync(user.Email, "wrong password " + i)).StatusCode);
        var right = await browser.PostLoginAsync(user.Email, user.Password);
        using var anonymous = app.CreateAnonymousClient();
        var tokenRequest = await anonymous.PostAsJsonAsync("/api/auth/token", new { email = user.Email, password = user.Password });

        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
        Assert.Contains("locked", await right.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, tokenRequest.StatusCode);
        Assert.Contains("locked", (await tokenRequest.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ResetPassword_ByAdmin_UnlocksTheAccount()
    {
        var user = await app.CreateUserAsync(Roles.Field);
        using var browser = app.CreateBrowserClient();
        for (var i = 0; i < 5; i++) await browser.PostLoginAsync(user.Email, "wrong password " + i);
        using var admin = await app.SignInWithCookieAsync(TrackerApp.AdminEmail, TrackerApp.AdminPassword);

        var reset = await admin.PostAsync($"/admin/users/{user.Id}/password",
            AccountsTestSupport.Form(await admin.GetFormTokenAsync("/admin/users"), ("password", "a brand new password")));

        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostLoginAsync(user.Email, "a brand new password")).StatusCode);
    }

    [Fact]
    public async Task SignIn_WithRememberMe_KeepsTheCookieForDaysAndWithoutOnlyForTheSession()
    {
        var user = await app.CreateUserAsync(Roles.Field);

        var remembered = await app.CreateBrowserClient().PostLoginAsync(user.Email, user.Password, rememberMe: true);
        var session = await app.CreateBrowserClient().PostLoginAsync(user.Email, user.Password, rememberMe: false);

        var rememberedCookie = Assert.Single(remembered.Headers.GetValues("Set-Cookie"), c => c.StartsWith("imaginai.auth=", StringComparison.Ordinal));
        var expires = DateTimeOffset.Parse(System.Text.RegularExpressions.Regex.Match(rememberedCookie, "expires=([^;]+)").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires, DateTimeOffset.UtcNow.AddDays(29), DateTimeOffset.UtcNow.AddDays(31));
        Assert.Contains("httponly", rememberedCookie);
        var sessionCookie = Assert.Single(session.Headers.GetValues("Set-Cookie"), c => c.StartsWith("imaginai.auth=", StringComparison.Ordinal));
        Assert.DoesNotContain("expires=", sessionCookie);
    }

    [Fact]
    public async Task PasswordReset_SignsOutTheUsersOtherBrowsers()
    {
        var user = await app.CreateUserAsync(Roles.Field);
        using var phone = await app.SignInWithCookieAsync(user.Email, user.Password);
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/account")).StatusCode);
        using var admin = await app.SignInWithCookieAsync(TrackerApp.AdminEmail, TrackerApp.AdminPassword);

        await admin.PostAsync($"/admin/users/{user.Id}/password",
            AccountsTestSupport.Form(await admin.GetFormTokenAsync("/admin/users"), ("password", "the replacement password")));

        var afterReset = await phone.GetAsync("/account");
        Assert.Equal(HttpStatusCode.Redirect, afterReset.StatusCode);
        Assert.Contains("/account/login", afterReset.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task ApiToken_FromTokenEndpoint_WorksUntilRevoked()
    {
        var user = await app.CreateUserAsync(Roles.Manager);
        using var anonymous = app.CreateAnonymousClient();
        var issued = await anonymous.PostAsJsonAsync("/api/auth/token", new { email = user.Email, password = user.Password, name = "upload script" });
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var token = (await issued.ReadJsonAsync()).GetProperty("token").GetString()!;
        using var script = app.CreateClientWithToken(token);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/projects")).StatusCode);

        using var browser = await app.SignInWithCookieAsync(user.Email, user.Password);
        var accountPage = await browser.GetStringAsync("/account");
        Assert.Contains("upload script", accountPage);
        Assert.DoesNotContain(token, accountPage);
        var tokenId = System.Text.RegularExpressions.Regex.Match(accountPage, @"/account/tokens/(\d+)/revoke").Groups[1].Value;
        var revoke = await browser.PostAsync($"/account/tokens/{tokenId}/revoke",
            AccountsTestSupport.Form(await browser.GetFormTokenAsync("/account")));

        Assert.Equal(HttpStatusCode.Redirect, revoke.StatusCode);
        var afterRevoke = await script.GetAsync("/api/projects");
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
        Assert.Equal("application/problem+json", afterRevoke.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task RevokeToken_OfAnotherUser_IsRefusedAndTokenKeepsWorking()
    {
        var owner = await app.CreateUserAsync(Roles.Field);
        var other = await app.CreateUserAsync(Roles.Field);
        using var ownerBrowser = await app.SignInWithCookieAsync(owner.Email, owner.Password);
        var ownerTokenId = System.Text.RegularExpressions.Regex.Match(await ownerBrowser.GetStringAsync("/account"), @"/account/tokens/(\d+)/revoke").Groups[1].Value;
        using var otherBrowser = await app.SignInWithCookieAsync(other.Email, other.Password);

        var revoke = await otherBrowser.PostAsync($"/account/tokens/{ownerTokenId}/revoke",
            AccountsTestSupport.Form(await otherBrowser.GetFormTokenAsync("/account")));

        Assert.Equal(HttpStatusCode.NotFound, revoke.StatusCode);
        using var ownerScript = app.CreateClientWithToken(owner.Token);
        Assert.Equal(HttpStatusCode.OK, (await ownerScript.GetAsync("/api/projects")).StatusCode);
    }

    [Fact]
    public async Task Database_AfterSignInsAndTokens_HoldsNoPasswordAndNoPlainToken()
    {
        const string password = "a very recognisable password 42";
        var user = await app.CreateUserAsync(Roles.Field);
        using var admin = await app.SignInWithCookieAsync(TrackerApp.AdminEmail, TrackerApp.AdminPassword);
        await admin.PostAsync($"/admin/users/{user.Id}/password",
            AccountsTestSupport.Form(await admin.GetFormTokenAsync("/admin/users"), ("password", password)));
        using var anonymous = app.CreateAnonymousClient();
        var issued = await anonymous.PostAsJsonAsync("/api/auth/token", new { email = user.Email, password });
        var token = (await issued.ReadJsonAsync()).GetProperty("token").GetString()!;
        using var script = app.CreateClientWithToken(token);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/projects")).StatusCode);

        // Every text and blob value of every table, plus the raw bytes of the database and its write-ahead log.
        var stored = new StringBuilder();
        await using (var connection = TrackerDatabase.Connect(app.DatabasePath, readOnly: true))
        {
            await connection.OpenAsync();
            var tables = new List<string>();
            await using (var list = connection.CreateCommand())
            {
                list.CommandText = TestDatabase.IsPostgres
                    ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                    : "SELECT name FROM sqlite_master WHERE type = 'table'";
                await using var reader = await list.ExecuteReaderAsync();
                while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
            }
            foreach (var table in tables)
            {
                await using var select = connection.CreateCommand();
                select.CommandText = $"SELECT * FROM \"{table}\"";
                await using var reader = await select.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                    for (var i = 0; i < reader.FieldCount; i++)
                        stored.Append(reader.IsDBNull(i) ? "" : reader.GetValue(i) is byte[] bytes ? Encoding.UTF8.GetString(bytes) : reader.GetValue(i).ToString()).Append('\n');
            }
        }
        foreach (var file in new[] { app.DatabasePath, app.DatabasePath + "-wal" }.Where(File.Exists))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.Latin1);
            stored.Append(await reader.ReadToEndAsync());
        }
        var everything = stored.ToString();

        Assert.Contains(user.Email, everything); // the check reads what is stored
        Assert.DoesNotContain(password, everything);
        Assert.DoesNotContain(AccountsTestSupport.Password, everything);
        Assert.DoesNotContain(TrackerApp.AdminPassword, everything);
        Assert.DoesNotContain(token, everything);
        Assert.DoesNotContain(token["imt_".Length..], everything);
        Assert.Contains(AccountService.HashToken(token), everything);
    }
}

/// <summary>An app of its own: the sign-in limit is per IP address and per process.</summary>
public sealed class SignInRateLimitTests : IAsyncLifetime
{
    private readonly TrackerApp app = TrackerApp.Create(settings: new() { ["Accounts:SignInAttemptsPerMinute"] = "3" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task TokenRequests_BeyondTheLimitPerAddress_Get429WithRetryAfter()
    {
        using var anonymous = app.CreateAnonymousClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
            statuses.Add((await anonymous.PostAsJsonAsync("/api/auth/token", new { email = "someone@tracker.test", password = "guess " + i })).StatusCode);
        var right = await anonymous.PostAsJsonAsync("/api/auth/token", new { email = TrackerApp.AdminEmail, password = TrackerApp.AdminPassword });
        using var browser = app.CreateBrowserClient();
        var loginForm = await browser.PostLoginAsync(TrackerApp.AdminEmail, TrackerApp.AdminPassword);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.True(right.Headers.RetryAfter is not null);
        Assert.Equal("application/problem+json", right.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.TooManyRequests, loginForm.StatusCode);
        // Other requests are not limited.
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/api/projects")).StatusCode);
    }
}
