using P2PShare.Protocol;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>
/// The state of a download in progress, kept beside its <c>.part</c> file as <c>ID.state</c>:
/// the name it will be saved as, the manifest, and which pieces are verified on disk.
/// </summary>
/// <remarks>
/// Format (a <see cref="BinaryRecord"/>, magic <c>P2PSPART</c>, version 1): name (u16 length + UTF-8) |
/// manifest canonical bytes (u32 length + bytes) | verified bitfield (u32 length + bytes, as
/// <see cref="PieceSet.ToBytes"/>) | SHA-256 of all of it.
/// </remarks>
internal sealed record PartState(string Name, Manifest Manifest, PieceSet Verified)
{
    private const string Magic = "P2PSPART";
    private const ushort Version = 1;

    /// <summary>The file name extension of state files.</summary>
    public const string Extension = ".state";

    /// <summary>The file name extension of the data files.</summary>
    public const string PartExtension = ".part";

    /// <summary>The encoded state.</summary>
    public byte[] ToBytes()
    {
        var record = new BinaryRecord(Magic, Version);
        record.WriteString(Name);
        record.WriteBlob(Manifest.ToBytes());
        record.WriteBlob(Verified.ToBytes());
        return record.ToArray();
    }

    /// <summary>
    /// Decodes a state file that must describe file <paramref name="expected"/>; throws
    /// <see cref="InvalidDataException"/> for anything damaged or inconsistent.
    /// </summary>
    public static PartState Parse(byte[] bytes, FileId expected)
    {
        var reader = BinaryRecord.Open(bytes, Magic, Version);
        string name = reader.ReadString();
        if (FileNameRules.Check(name) is string problem)
            throw new InvalidDataException($"stored name rejected: {problem}");
        try
        {
            var manifest = Manifest.ParseVerified(reader.ReadBlob(), expected);
            var verified = PieceSet.FromBytes(manifest.PieceCount, reader.ReadBlob());
            if (!reader.AtEnd)
                throw new InvalidDataException("trailing bytes");
            return new PartState(name, manifest, verified);
        }
        catch (ProtocolException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }
}
