using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ImaginAI.Tests.Support;

namespace ImaginAI.Tests.Integration.ApiDocs;

/// <summary>
/// The main flows driven only by /openapi/v1.json: each call is looked up in the document (path, method, body
/// fields, expected status), and each answer is checked against the documented schema. A flow that works while the
/// document says something else fails here.
/// </summary>
public sealed class DocumentDrivenClientTests(TrackerApp app) : IClassFixture<TrackerApp>
{
    [Fact]
    public async Task MainFlows_CreateProjectUploadReadDecisionSearch_WorkFromTheDocumentAlone()
    {
        var http = app.CreateClient();
        var client = new DocumentClient(await OpenApiDocumentTests.ReadDocumentAsync(http), http);

        var project = await client.SendJsonAsync("POST", "/api/projects", new() { ["name"] = "From the contract" });
        var projectId = project.GetProperty("id").GetInt64();
        var milestone = await client.SendJsonAsync("POST", "/api/projects/{projectId}/milestones", new() { ["name"] = "Planted" }, new() { ["projectId"] = projectId });
        var milestoneId = milestone.GetProperty("id").GetInt64();

        var uploaded = await client.SendFormAsync("POST", "/api/projects/{projectId}/photos",
            [("files", "garden.jpg", RealPhotos.Read("Garden.jpg"))], new() { ["milestoneId"] = milestoneId.ToString() }, new() { ["projectId"] = projectId });
        var photoId = uploaded[0].GetProperty("id").GetInt64();

        JsonElement photo;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        do
        {
            await Task.Delay(200);
            photo = await client.SendJsonAsync("GET", "/api/photos/{photoId}", null, new() { ["photoId"] = photoId });
        } while (photo.GetProperty("status").GetString() is "pending" or "embedded" && DateTime.UtcNow < deadline);
        Assert.Equal("matched", photo.GetProperty("status").GetString());
        Assert.Equal(milestoneId, photo.GetProperty("milestone").GetProperty("id").GetInt64());

        var found = await client.SendFormAsync("POST", "/api/search", [("file", "query.jpg", RealPhotos.Read("Garden.jpg"))],
            new() { ["projectId"] = projectId.ToString() }, []);
        Assert.Equal(photoId, found.GetProperty("results")[0].GetProperty("photoId").GetInt64());
    }

    /// <summary>A client that knows only the document: it refuses calls, fields and answers the document does not describe.</summary>
    private sealed class DocumentClient(JsonElement document, HttpClient http)
    {
        public async Task<JsonElement> SendJsonAsync(string method, string path, Dictionary<string, object?>? body, Dictionary<string, object>? route = null)
        {
            var operation = Operation(method, path);
            HttpContent? content = null;
            if (body is not null)
            {
                var schema = Schema(operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
                foreach (var field in body.Keys) Assert.True(schema.GetProperty("properties").TryGetProperty(field, out _), $"{method} {path}: the document has no body field {field}");
                content = JsonContent.Create(body);
            }
            return await SendAsync(method, path, operation, route ?? [], content);
        }

        public async Task<JsonElement> SendFormAsync(string method, string path, (string Field, string FileName, byte[] Bytes)[] files,
            Dictionary<string, string> fields, Dictionary<string, object> route)
        {
            var operation = Operation(method, path);
            var schema = Schema(operation.GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema"));
            var properties = FlattenProperties(schema);
            var form = new MultipartFormDataContent();
            foreach (var (field, fileName, bytes) in files)
            {
                Assert.True(properties.Contains(field), $"{method} {path}: the document has no form field {field} ({string.Join(", ", properties)})");
                var part = new ByteArrayContent(bytes);
                part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                form.Add(part, field, fileName);
            }
            foreach (var (field, value) in fields)
            {
                Assert.True(properties.Contains(field), $"{method} {path}: the document has no form field {field}");
                form.Add(new StringContent(value), field);
            }
            return await SendAsync(method, path, operation, route, form);
        }

        private async Task<JsonElement> SendAsync(string method, string path, JsonElement operation, Dictionary<string, object> route, HttpContent? content)
        {
            var url = route.Aggregate(path, (current, parameter) => current.Replace("{" + parameter.Key + "}", parameter.Value.ToString()));
            using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = content };
            using var response = await http.SendAsync(request);
            var status = ((int)response.StatusCode).ToString();
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(operation.GetProperty("responses").TryGetProperty(status, out var documented), $"{method} {path} answered {status}, which the document does not declare: {text}");
            Assert.True(status.StartsWith('2'), $"{method} {path} answered {status}: {text}");
            var body = JsonDocument.Parse(text).RootElement;
            var mediaType = response.Content.Headers.ContentType!.MediaType!;
            CheckAgainst(Schema(documented.GetProperty("content").GetProperty(mediaType).GetProperty("schema")), body, $"{method} {path} {status}");
            return body;
        }

        private JsonElement Operation(string method, string path)
        {
            Assert.True(document.GetProperty("paths").TryGetProperty(path, out var item), $"The document has no path {path}");
            Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out var operation), $"The document has no {method} {path}");
            return operation;
        }

        /// <summary>Every field of the answer is documented, and every documented required field is there, all the way down.</summary>
        private void CheckAgainst(JsonElement schema, JsonElement value, string where)
        {
            if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
                foreach (var item in value.EnumerateArray()) CheckAgainst(Schema(items), item, where + "[]");
            if (value.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("properties", out var properties)) return;
            foreach (var field in value.EnumerateObject())
            {
                Assert.True(properties.TryGetProperty(field.Name, out var fieldSchema), $"{where}: the answer has {field.Name}, which the document does not describe");
                CheckAgainst(Schema(fieldSchema), field.Value, $"{where}.{field.Name}");
            }
            if (schema.TryGetProperty("required", out var required))
                foreach (var name in required.EnumerateArray())
                    Assert.True(value.TryGetProperty(name.GetString()!, out _), $"{where}: the documented field {name} is missing");
        }

        private JsonElement Schema(JsonElement schema)
        {
            if (schema.TryGetProperty("$ref", out var reference))
                return document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1]);
            // A nullable reference is written as oneOf/anyOf [null, $ref].
            foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
                if (schema.TryGetProperty(combinator, out var options))
                    foreach (var option in options.EnumerateArray())
                        if (option.TryGetProperty("$ref", out _)) return Schema(option);
            return schema;
        }

        private HashSet<string> FlattenProperties(JsonElement schema)
        {
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            if (schema.TryGetProperty("properties", out var properties)) foreach (var p in properties.EnumerateObject()) names.Add(p.Name);
            foreach (var combinator in new[] { "allOf", "oneOf", "anyOf" })
                if (schema.TryGetProperty(combinator, out var parts))
                    foreach (var part in parts.EnumerateArray()) names.UnionWith(FlattenProperties(Schema(part)));
            return names;
        }
    }
}
