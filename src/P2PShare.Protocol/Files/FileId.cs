using System.Security.Cryptography;

namespace P2PShare.Protocol.Files;

/// <summary>
/// A file's identity: the SHA-256 of its manifest. Two files with the same name but different
/// bytes have different ids; a name is only a label. Written on the wire as 64 lowercase hex digits.
/// </summary>
public readonly struct FileId : IEquatable<FileId>
{
    /// <summary>Bytes in an id.</summary>
    public const int Length = 32;

    private readonly byte[]? _bytes;

    private FileId(byte[] bytes) => _bytes = bytes;

    /// <summary>The id's bytes (all zero for <c>default</c>).</summary>
    public ReadOnlySpan<byte> Bytes => _bytes ?? new byte[Length];

    /// <summary>Wraps 32 bytes as an id.</summary>
    public static FileId FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
            throw new ProtocolException($"file id of {bytes.Length} bytes; expected {Length}");
        return new FileId(bytes.ToArray());
    }

    /// <summary>The id of the given manifest bytes.</summary>
    public static FileId OfManifestBytes(ReadOnlySpan<byte> manifestBytes) => new(SHA256.HashData(manifestBytes));

    /// <summary>Parses 64 hex digits; throws <see cref="ProtocolException"/> otherwise.</summary>
    public static FileId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var id)
            ? id
            : throw new ProtocolException($"'{Truncate(text)}' is not a file id (64 hex digits)");
    }

    /// <summary>Parses 64 hex digits.</summary>
    public static bool TryParse(string? text, out FileId id)
    {
        id = default;
        if (text is null || text.Length != Length * 2)
            return false;
        try
        {
            id = new FileId(Convert.FromHexString(text));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The first 8 hex digits: enough for a person to tell files apart.</summary>
    public string ShortText => ToString()[..8];

    /// <inheritdoc />
    public override string ToString() => Convert.ToHexStringLower(Bytes);

    /// <inheritdoc />
    public bool Equals(FileId other) => Bytes.SequenceEqual(other.Bytes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is FileId other && Equals(other);

    /// <summary>
    /// A hash of all 32 bytes, seeded per process: ids arrive from strangers, who choose them freely, so a
    /// hash of a fixed few bytes let 10,000 ids sharing their first bytes turn the tracker's dictionaries
    /// into lists (an announce took seconds, under the lock every lookup waits for).
    /// </summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Bytes);
        return hash.ToHashCode();
    }

    /// <summary>Equality by bytes.</summary>
    public static bool operator ==(FileId left, FileId right) => left.Equals(right);

    /// <summary>Inequality by bytes.</summary>
    public static bool operator !=(FileId left, FileId right) => !left.Equals(right);

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "...";
}
