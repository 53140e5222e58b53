using System.Globalization;
using System.Text;

namespace P2PShare.Protocol.Codec;

/// <summary>
/// Builds a message header: <c>key::value;</c> pairs, escaped, the first naming the type.
/// </summary>
public sealed class HeaderWriter
{
    private readonly StringBuilder _text;

    /// <summary>Starts a header whose first pair is <c>type::<paramref name="type"/>;</c>.</summary>
    public HeaderWriter(string type)
        : this(type, new StringBuilder())
    {
    }

    /// <summary>Starts a header in <paramref name="text"/>, cleared first (a builder the caller reuses).</summary>
    internal HeaderWriter(string type, StringBuilder text)
    {
        _text = text.Clear();
        Add(HeaderKeys.Type, type);
    }

    /// <summary>Appends <c>key::value;</c>.</summary>
    public HeaderWriter Add(string key, string value)
    {
        KeyValueEscaping.Append(_text, key);
        _text.Append("::");
        KeyValueEscaping.Append(_text, value);
        _text.Append(';');
        return this;
    }

    /// <summary>Appends a decimal integer.</summary>
    public HeaderWriter Add(string key, long value)
    {
        KeyValueEscaping.Append(_text, key);
        _text.Append(CultureInfo.InvariantCulture, $"::{value};"); // digits and '-' need no escape
        return this;
    }

    /// <summary>Appends a value as base64 (used for bitfields).</summary>
    public HeaderWriter AddBase64(string key, ReadOnlySpan<byte> value) => Add(key, Convert.ToBase64String(value));

    /// <summary>Appends the entry field <paramref name="key"/> (plain, see <see cref="EntryKey"/>) with <paramref name="value"/>.</summary>
    internal HeaderWriter Add(EntryKey key, string value)
    {
        AppendKey(key);
        KeyValueEscaping.Append(_text, value);
        _text.Append(';');
        return this;
    }

    /// <summary>Appends the entry field <paramref name="key"/> with a decimal integer.</summary>
    internal HeaderWriter Add(EntryKey key, long value)
    {
        AppendKey(key);
        _text.Append(CultureInfo.InvariantCulture, $"{value};");
        return this;
    }

    /// <summary>Appends the entry field <paramref name="key"/> with a value as base64.</summary>
    internal HeaderWriter AddBase64(EntryKey key, ReadOnlySpan<byte> value) => Add(key, Convert.ToBase64String(value));

    private void AppendKey(EntryKey key)
    {
        Span<char> buffer = stackalloc char[key.MaxLength];
        _text.Append(buffer[..key.Format(buffer)]).Append("::");
    }

    /// <summary>The header text.</summary>
    public override string ToString() => _text.ToString();

    /// <summary>The header as UTF-8.</summary>
    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(_text.ToString());
}
