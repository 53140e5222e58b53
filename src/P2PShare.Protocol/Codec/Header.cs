using System.Buffers;
using System.Globalization;
using System.Text;

namespace P2PShare.Protocol.Codec;

/// <summary>
/// A parsed message header: its type and its pairs. Typed getters throw a
/// <see cref="ProtocolException"/> that names the message and the key when a field is missing or malformed.
/// </summary>
public sealed class Header
{
    private readonly Dictionary<string, string> _pairs;

    private Header(string type, Dictionary<string, string> pairs)
    {
        Type = type;
        _pairs = pairs;
    }

    /// <summary>The value of the first pair, which must be <c>type</c>.</summary>
    public string Type { get; }

    /// <summary>Every key present, type included.</summary>
    public IReadOnlyDictionary<string, string> Pairs => _pairs;

    /// <summary>Parses UTF-8 header text. Throws <see cref="ProtocolException"/> on anything malformed.</summary>
    public static Header Parse(ReadOnlySpan<byte> utf8)
    {
        // Decoded into a pooled buffer, not a string: only the keys and values are kept, and an
        // announce's header is tens of kilobytes.
        char[] chars = CharBuffers.Pool.Rent(StrictUtf8.GetMaxCharCount(utf8.Length));
        try
        {
            int length;
            try
            {
                length = StrictUtf8.GetChars(utf8, chars);
            }
            catch (DecoderFallbackException e)
            {
                throw new ProtocolException("message header is not valid UTF-8", e);
            }
            return Parse(chars.AsSpan(0, length), utf8.Count((byte)';'));
        }
        finally
        {
            CharBuffers.Pool.Return(chars);
        }
    }

    /// <summary>Parses header text. Throws <see cref="ProtocolException"/> on anything malformed.</summary>
    public static Header Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(text, text.AsSpan().Count(';'));
    }

    // Every pair ends with ';' (escaped ones too, so this may overcount): sizing the table once spares
    // an announce of a hundred files the garbage of growing it through nine sizes.
    private static Header Parse(ReadOnlySpan<char> text, int pairsAtMost)
    {
        var pairs = new Dictionary<string, string>(Math.Min(pairsAtMost, MaxPresizedPairs), StringComparer.Ordinal);
        string? type = null;
        StringBuilder? token = null;
        int i = 0;
        while (i < text.Length)
        {
            string key = ReadToken(text, ref i, ref token, isKey: true);
            string value = ReadToken(text, ref i, ref token, isKey: false);
            if (type is null)
            {
                if (key != HeaderKeys.Type)
                    throw new ProtocolException($"message header must start with '{HeaderKeys.Type}::', not '{key}::'");
                if (value.Length == 0)
                    throw new ProtocolException("message type is empty");
                type = value;
            }
            if (!pairs.TryAdd(key, value))
                throw new ProtocolException($"message '{type}' repeats the key '{key}'");
        }
        return type is null ? throw new ProtocolException("message header is empty") : new Header(type, pairs);
    }

    // A frame's header is bounded by ProtocolLimits; this only caps what one table reserves up front.
    private const int MaxPresizedPairs = 64 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly SearchValues<char> Specials = SearchValues.Create("\\:;");

    // A key ends at an unescaped "::", a value at an unescaped ';'.
    private static string ReadToken(ReadOnlySpan<char> text, ref int i, ref StringBuilder? token, bool isKey)
    {
        int start = i;
        // Most tokens hold no escape: cut them out at once (an announce has hundreds) instead of char by char.
        int end = text[i..].IndexOfAny(Specials);
        if (end >= 0)
        {
            int at = i + end;
            bool ends = isKey ? text[at] == ':' && at + 1 < text.Length && text[at + 1] == ':' : text[at] == ';';
            if (ends)
            {
                string plain = new(text.Slice(i, end));
                i = at + (isKey ? 2 : 1);
                return isKey ? CheckKey(plain, start) : plain;
            }
        }
        token = token?.Clear() ?? new StringBuilder();
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '\\')
            {
                if (i + 1 >= text.Length)
                    throw new ProtocolException($"message header ends inside an escape at offset {i}");
                token.Append(text[i + 1] switch
                {
                    '\\' => '\\',
                    ';' => ';',
                    ':' => ':',
                    'n' => '\n',
                    'r' => '\r',
                    var other => throw new ProtocolException($"unknown escape '\\{other}' at offset {i}"),
                });
                i += 2;
            }
            else if (c == ':')
            {
                if (!isKey || i + 1 >= text.Length || text[i + 1] != ':')
                    throw new ProtocolException($"unescaped ':' at offset {i}");
                i += 2;
                return CheckKey(token.ToString(), start);
            }
            else if (c == ';')
            {
                if (isKey)
                    throw new ProtocolException($"key without '::' at offset {start}");
                i++;
                return token.ToString();
            }
            else
            {
                token.Append(c);
                i++;
            }
        }
        throw new ProtocolException(isKey
            ? $"message header ends inside a key at offset {start}"
            : $"message header ends without ';' after the value at offset {start}");
    }

    private static string CheckKey(string key, int offset) =>
        key.Length == 0 ? throw new ProtocolException($"empty key at offset {offset}") : key;

    /// <summary>True when <paramref name="key"/> is present.</summary>
    public bool Has(string key) => _pairs.ContainsKey(key);

    /// <summary>The value of <paramref name="key"/>, or null.</summary>
    public string? Optional(string key) => _pairs.GetValueOrDefault(key);

    /// <summary>The value of <paramref name="key"/>; throws if absent.</summary>
    public string Required(string key) =>
        _pairs.TryGetValue(key, out var value) ? value : throw new ProtocolException($"message '{Type}' lacks the required key '{key}'");

    /// <summary>A required decimal integer within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public long RequiredInt64(string key, long min = 0, long max = long.MaxValue) => ParseInt64(key, Required(key), min, max);

    /// <summary>A required decimal integer within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int RequiredInt32(string key, int min = 0, int max = int.MaxValue) => (int)ParseInt64(key, Required(key), min, max);

    /// <summary>An optional decimal integer; <paramref name="fallback"/> when absent.</summary>
    public long OptionalInt64(string key, long fallback, long min = 0, long max = long.MaxValue) =>
        _pairs.TryGetValue(key, out var text) ? ParseInt64(key, text, min, max) : fallback;

    /// <summary>A required base64 value.</summary>
    public byte[] RequiredBase64(string key) => DecodeBase64(key, Required(key));

    /// <summary>True when the entry field <paramref name="key"/> is present.</summary>
    internal bool Has(EntryKey key) => TryGet(key, out _);

    /// <summary>The value of the entry field <paramref name="key"/>, or null.</summary>
    internal string? Optional(EntryKey key) => TryGet(key, out var value) ? value : null;

    /// <summary>The value of the entry field <paramref name="key"/>; throws if absent.</summary>
    internal string Required(EntryKey key) =>
        TryGet(key, out var value) ? value : throw new ProtocolException($"message '{Type}' lacks the required key '{key}'");

    /// <summary>A required decimal integer within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    internal long RequiredInt64(EntryKey key, long min = 0, long max = long.MaxValue) => ParseInt64(key, Required(key), min, max);

    /// <summary>A required decimal integer within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    internal int RequiredInt32(EntryKey key, int min = 0, int max = int.MaxValue) => (int)ParseInt64(key, Required(key), min, max);

    /// <summary>A required base64 value.</summary>
    internal byte[] RequiredBase64(EntryKey key) => DecodeBase64(key, Required(key));

    // Looks the key up by its characters alone: no string is made for it.
    private bool TryGet(EntryKey key, out string value)
    {
        Span<char> buffer = stackalloc char[key.MaxLength];
        int length = key.Format(buffer);
        return _pairs.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(buffer[..length], out value!);
    }

    // The key is only named in an error, so it is turned into text only then.
    private byte[] DecodeBase64<TKey>(TKey key, string text)
        where TKey : notnull
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException e)
        {
            throw new ProtocolException($"message '{Type}' key '{key}' is not base64", e);
        }
    }

    private long ParseInt64<TKey>(TKey key, string text, long min, long max)
        where TKey : notnull
    {
        if (text.Length == 0 || text.Length > 20 || !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            throw new ProtocolException($"message '{Type}' key '{key}' is not an integer: '{(text.Length > 40 ? text[..40] + "..." : text)}'");
        if (value < min || value > max)
            throw new ProtocolException($"message '{Type}' key '{key}' = {value} is outside {min}..{max}");
        return value;
    }
}
