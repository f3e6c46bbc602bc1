using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Slices.Api.Platform.Database;

/// <summary>
/// New ids: UUID version 7 (RFC 9562), the millisecond first, so rows land in id order as they are created. The random
/// bits come from the process's CSPRNG: Guid.CreateVersion7 reads /dev/urandom in a system call of its own for every id,
/// and the request id alone made that one more system call per request.
/// </summary>
public static class Ids
{
    public static Guid NewV7()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes[6..]);
        var milliseconds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)(milliseconds >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(bytes[2..], (uint)milliseconds);
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F)); // version 7
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F)); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }
}
