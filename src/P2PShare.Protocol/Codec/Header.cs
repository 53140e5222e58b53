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
        string text;
        try
        {
            text = StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException e)
        {
            throw new ProtocolException("message header is not valid UTF-8", e);
        }
        return Parse(text);
    }

    /// <summary>Parses header text. Throws <see cref="ProtocolException"/> on anything malformed.</summary>
    public static Header Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        string? type = null;
        var token = new StringBuilder();
        int i = 0;
        while (i < text.Length)
        {
            string key = ReadToken(text, ref i, token, isKey: true);
            string value = ReadToken(text, ref i, token, isKey: false);
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

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly SearchValues<char> Specials = SearchValues.Create("\\:;");

    // A key ends at an unescaped "::", a value at an unescaped ';'.
    private static string ReadToken(string text, ref int i, StringBuilder token, bool isKey)
    {
        int start = i;
        // Most tokens hold no escape: cut them out at once (an announce has hundreds) instead of char by char.
        int end = text.AsSpan(i).IndexOfAny(Specials);
        if (end >= 0)
        {
            int at = i + end;
            bool ends = isKey ? text[at] == ':' && at + 1 < text.Length && text[at + 1] == ':' : text[at] == ';';
            if (ends)
            {
                string plain = text.Substring(i, end);
                i = at + (isKey ? 2 : 1);
                return isKey ? CheckKey(plain, start) : plain;
            }
        }
        token.Clear();
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
    public byte[] RequiredBase64(string key)
    {
        var text = Required(key);
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException e)
        {
            throw new ProtocolException($"message '{Type}' key '{key}' is not base64", e);
        }
    }

    private long ParseInt64(string key, string text, long min, long max)
    {
        if (text.Length == 0 || text.Length > 20 || !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            throw new ProtocolException($"message '{Type}' key '{key}' is not an integer: '{(text.Length > 40 ? text[..40] + "..." : text)}'");
        if (value < min || value > max)
            throw new ProtocolException($"message '{Type}' key '{key}' = {value} is outside {min}..{max}");
        return value;
    }
}
