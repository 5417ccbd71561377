using System.Globalization;
using System.Text;

namespace ImaginAI.Tracker.Photos;

/// <summary>
/// The one rule for what a tag is: trimmed, inner spaces collapsed, lower-case, no leading '#', no comma (the upload
/// form separates tags with commas), at most <see cref="MaxLength"/> characters and <see cref="MaxPerPhoto"/> a photo.
/// </summary>
public static class PhotoTags
{
    public const int MaxLength = 40;
    public const int MaxPerPhoto = 20;
    public const int MaxNoteLength = 2000;

    /// <summary>The tags of a form field: "roof, Leak ,#north wall" → [leak, north wall, roof].</summary>
    public static (IReadOnlyList<string> Tags, string? Error) ParseField(string? field) =>
        Normalize(string.IsNullOrWhiteSpace(field) ? [] : field.Split(','));

    /// <summary>Normalized, distinct and sorted; or the reason, in plain words, why they cannot be stored.</summary>
    public static (IReadOnlyList<string> Tags, string? Error) Normalize(IEnumerable<string?> raw)
    {
        var tags = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var item in raw)
        {
            var tag = Clean(item);
            if (tag.Length == 0) continue;
            if (tag.Contains(',', StringComparison.Ordinal))
                return ([], $"A tag cannot contain a comma (\"{tag}\"): commas separate tags.");
            if (tag.Length > MaxLength)
                return ([], $"The tag \"{tag[..MaxLength]}…\" is too long: keep each tag under {MaxLength} characters.");
            tags.Add(tag);
        }
        if (tags.Count > MaxPerPhoto) return ([], $"A photo can carry at most {MaxPerPhoto} tags; this one has {tags.Count}.");
        return (tags.ToList(), null);
    }

    private static string Clean(string? item)
    {
        var text = (item ?? "").Trim().TrimStart('#').Trim();
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsControl(c)) continue;
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }
            if (space && builder.Length > 0) builder.Append(' ');
            space = false;
            builder.Append(c);
        }
        return builder.ToString().ToLower(CultureInfo.InvariantCulture);
    }

    /// <summary>A note as stored: trimmed, empty means none; or why it cannot be stored.</summary>
    public static (string? Note, string? Error) NormalizeNote(string? note)
    {
        var trimmed = note?.Trim();
        if (trimmed is { Length: > MaxNoteLength }) return (null, $"Keep the note under {MaxNoteLength} characters (it has {trimmed.Length}).");
        return (string.IsNullOrEmpty(trimmed) ? null : trimmed, null);
    }
}
