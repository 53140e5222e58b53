using P2PShare.Protocol;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>
/// The state of a download in progress, kept beside its data (<c>ID.part</c>) in two files:
/// <c>ID.manifest</c>, the manifest's canonical bytes, written once (they hash to ID, so they check
/// themselves); and <c>ID.state</c>, rewritten crash-safely as pieces are verified (<see cref="PartFile"/>): the name it
/// will be saved as and which pieces are verified on disk.
/// </summary>
/// <remarks>
/// The manifest is kept out of the state file so that recording a piece rewrites a few hundred
/// bytes rather than the whole manifest: with it inside, a download of n pieces would write O(n²)
/// bytes of state (512 MiB for a 1 GiB file in 4096 pieces).
/// State format (a <see cref="BinaryRecord"/>, magic <c>P2PSPART</c>, version 1): name (u16 length +
/// UTF-8) | verified bitfield (u32 length + bytes, as <see cref="PieceSet.ToBytes"/>) | SHA-256 of all of it.
/// </remarks>
internal sealed record PartState(string Name, Manifest Manifest, PieceSet Verified)
{
    private const string Magic = "P2PSPART";
    private const ushort Version = 1;

    /// <summary>The encoded state file (the manifest is stored separately).</summary>
    public byte[] ToBytes()
    {
        var record = new BinaryRecord(Magic, Version);
        record.WriteString(Name);
        record.WriteBlob(Verified.ToBytes());
        return record.ToArray();
    }

    /// <summary>
    /// Decodes the state and manifest files of download <paramref name="expected"/>; throws
    /// <see cref="InvalidDataException"/> for anything damaged or inconsistent.
    /// </summary>
    public static PartState Parse(byte[] state, byte[] manifest, FileId expected)
    {
        try
        {
            var parsed = Manifest.ParseVerified(manifest, expected);
            var reader = BinaryRecord.Open(state, Magic, Version);
            string name = reader.ReadString();
            if (RepositoryPath.SaveNameProblem(name) is string problem)
                throw new InvalidDataException($"stored name rejected: {problem}");
            var verified = PieceSet.FromBytes(parsed.PieceCount, reader.ReadBlob());
            if (!reader.AtEnd)
                throw new InvalidDataException("trailing bytes");
            return new PartState(name, parsed, verified);
        }
        catch (ProtocolException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }
}
