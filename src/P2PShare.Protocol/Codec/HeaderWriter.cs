using System.Globalization;
using System.Text;

namespace P2PShare.Protocol.Codec;

/// <summary>
/// Builds a message header: <c>key::value;</c> pairs, escaped, the first naming the type.
/// </summary>
public sealed class HeaderWriter
{
    private readonly StringBuilder _text = new();

    /// <summary>Starts a header whose first pair is <c>type::<paramref name="type"/>;</c>.</summary>
    public HeaderWriter(string type) => Add(HeaderKeys.Type, type);

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
    public HeaderWriter Add(string key, long value) => Add(key, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Appends a value as base64 (used for bitfields).</summary>
    public HeaderWriter AddBase64(string key, ReadOnlySpan<byte> value) => Add(key, Convert.ToBase64String(value));

    /// <summary>The header text.</summary>
    public override string ToString() => _text.ToString();

    /// <summary>The header as UTF-8.</summary>
    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(_text.ToString());
}
