using System.Diagnostics;
using System.Globalization;

namespace P2PShare.Protocol.Codec;

/// <summary>
/// The key of one field of one list entry, <c>PREFIX.INDEX.FIELD</c> (e.g. <c>file.7.name</c>), written
/// and looked up without building its string: an announce of a hundred files has five hundred of them.
/// Prefix and field are the protocol's own plain names, which never need escaping.
/// </summary>
internal readonly record struct EntryKey
{
    public EntryKey(string prefix, int index, string field)
    {
        Debug.Assert(prefix.AsSpan().IndexOfAny("\\;:\n\r") < 0 && field.AsSpan().IndexOfAny("\\;:\n\r") < 0, "entry key parts are plain names");
        Prefix = prefix;
        Index = index;
        Field = field;
    }

    public string Prefix { get; }

    public int Index { get; }

    public string Field { get; }

    /// <summary>Room for the key however large its index.</summary>
    public int MaxLength => Prefix.Length + Field.Length + 13;

    /// <summary>Writes the key into <paramref name="destination"/> (at least <see cref="MaxLength"/> long); returns its length.</summary>
    public int Format(Span<char> destination) =>
        destination.TryWrite(CultureInfo.InvariantCulture, $"{Prefix}.{Index}.{Field}", out int written)
            ? written
            : throw new ArgumentException("too short for the key", nameof(destination));

    public override string ToString()
    {
        Span<char> buffer = stackalloc char[MaxLength];
        return new string(buffer[..Format(buffer)]);
    }
}
