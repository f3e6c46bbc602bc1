using System.Globalization;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Slices.Api.Platform.Api;

/// <summary>Opaque keyset-pagination cursors: the last key of a page, base64url. A cursor that does not decode is a 400.</summary>
public static class Cursor
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
    public const string Invalid = "The cursor is not one this API issued. Use nextCursor from the previous page as it is.";

    public static string Encode(Guid last) => Base64UrlEncoder.Encode("g:" + last.ToString("N"));

    public static string Encode(long last) => Base64UrlEncoder.Encode("s:" + last.ToString(CultureInfo.InvariantCulture));

    public static string Encode(DateTimeOffset at, Guid last) =>
        Base64UrlEncoder.Encode($"t:{at.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{last:N}");

    /// <summary>A (time, id) keyset position; an absent cursor is the start.</summary>
    public static bool TryDecode(string? cursor, out (DateTimeOffset At, Guid Id) last)
    {
        last = (DateTimeOffset.MinValue, Guid.Empty);
        if (cursor is null) return true;
        var parts = Decode(cursor).Split(':');
        if (parts is not ["t", var ticks, var id] || !long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t) ||
            t > DateTimeOffset.MaxValue.UtcTicks || !Guid.TryParseExact(id, "N", out var g)) return false;
        last = (new DateTimeOffset(t, TimeSpan.Zero), g);
        return true;
    }

    public static bool TryDecode(string? cursor, out Guid last)
    {
        last = Guid.Empty;
        return cursor is null || (Decode(cursor) is ['g', ':', .. var rest] && Guid.TryParseExact(rest, "N", out last));
    }

    public static bool TryDecode(string? cursor, out long last)
    {
        last = long.MaxValue;
        return cursor is null || (Decode(cursor) is ['s', ':', .. var rest] && long.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out last));
    }

    // The longest cursor issued, a (time, id) one, is 71 characters; anything much longer is not decoded at all.
    private const int MaxEncodedLength = 96;

    private static string Decode(string cursor)
    {
        try
        {
            return cursor.Length <= MaxEncodedLength ? Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(cursor)) : "";
        }
        catch (FormatException)
        {
            return "";
        }
    }
}
