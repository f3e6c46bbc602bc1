using System.Text.Json;
using System.Text.Json.Serialization;

namespace Slices.Api.Platform.Api;

/// <summary>
/// Every string in a request body must be text PostgreSQL can store unchanged: no NUL character (text columns refuse it)
/// and no unpaired surrogate (it would be silently replaced by U+FFFD, altering what the client sent).
/// </summary>
public sealed class StorableTextConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetString();
        if (value is not null && (value.Contains('\0', StringComparison.Ordinal) || !IsWellFormed(value))) throw new UnstorableTextException();
        return value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    private static bool IsWellFormed(string value)
    {
        if (!value.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF')) return true;
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) i++;
            else if (char.IsSurrogate(value[i])) return false;
        }
        return true;
    }
}

public sealed class UnstorableTextException() : JsonException("Text may not contain NUL characters or unpaired surrogates.");
