using System.Xml.Linq;
using Dapper;
using ImaginAI.Tracker.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace ImaginAI.Tracker.Security;

/// <summary>
/// Data Protection's key ring in the tracker's database (<c>data_protection_keys</c>) instead of the home folder of
/// whoever runs the process: every node of an install reads the same keys, so a cookie or forgery token issued by one
/// node is accepted by all of them, and a restarted container does not sign everybody out. Data Protection caches the
/// ring and reads it again only when a key is due, so this is not on any request's path.
/// </summary>
public sealed class DatabaseKeyRepository(TrackerDb db) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = db.Open();
        return connection.Query<string>("""
            SELECT xml FROM data_protection_keys ORDER BY name
            """).Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = db.Open();
        // Names are key ids (GUIDs): two nodes creating a key at once store two keys, and both are honoured.
        connection.Execute("""
            INSERT INTO data_protection_keys (name, xml) VALUES (@name, @xml)
            ON CONFLICT (name) DO UPDATE SET xml = excluded.xml
            """, new { name = friendlyName, xml = element.ToString(SaveOptions.DisableFormatting) });
    }

    internal static void Add(IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("ImaginAI.Tracker");
        services.AddOptions<KeyManagementOptions>().Configure<TrackerDb>((options, db) => options.XmlRepository = new DatabaseKeyRepository(db));
    }
}
