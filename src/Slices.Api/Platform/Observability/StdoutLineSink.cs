using System.Buffers;
using System.Globalization;
using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace Slices.Api.Platform.Observability;

/// <summary>
/// Log lines to stdout, each in one write. Console.Out flushes every 256 bytes, so a request's completion line went out
/// in three or four system calls. Nothing is held back: a line is out before Emit returns, the last ones before a crash
/// included.
/// </summary>
public sealed class StdoutLineSink(ITextFormatter formatter) : ILogEventSink
{
    private const int KeepBufferChars = 16 * 1024;
    private static readonly Stream Stdout = Console.OpenStandardOutput();
    private static readonly Lock Writing = new();

    [ThreadStatic]
    private static StringWriter? t_line;

    [ThreadStatic]
    private static Encoder? t_utf8;

    public void Emit(LogEvent logEvent)
    {
        var line = t_line ??= new StringWriter(new StringBuilder(1024), CultureInfo.InvariantCulture);
        var text = line.GetStringBuilder();
        text.Clear();
        formatter.Format(logEvent, line);

        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var utf8 = t_utf8 ??= new UTF8Encoding(false).GetEncoder(); // keeps a surrogate pair split between chunks whole
            var length = 0;
            foreach (var chunk in text.GetChunks()) length += utf8.GetBytes(chunk.Span, bytes.AsSpan(length), flush: false);
            length += utf8.GetBytes([], bytes.AsSpan(length), flush: true);
            lock (Writing) Stdout.Write(bytes, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            if (text.Capacity > KeepBufferChars) t_line = null; // one huge event does not pin its buffer to the thread
        }
    }
}
